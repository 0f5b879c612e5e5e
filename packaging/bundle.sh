#!/usr/bin/env bash
# `make bundle`: the offline install archive for an intranet without internet
# (docs/deploy.md). Needs the package index once, here; the machine it is
# installed on needs none.
#
#   dist/bianzhi-<version>-offline-linux-x86_64.tar.gz
#     install.sh             installs into a folder, creates the data folder
#     wheels/                the project and every dependency, for each Python
#                            of BUNDLE_PYTHONS (manylinux, glibc >= 2.17)
#     fonts/                 Noto Serif/Sans CJK (SIL OFL 1.1) so PDFs need no system fonts
#     docs/deploy.md, README.md, LICENSE files
#
# Environment: PYTHON (default python3), BUNDLE_PYTHONS (default "3.11 3.12"),
# FONT_DIR (default /usr/share/fonts/opentype/noto, Debian's fonts-noto-cjk).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
BUNDLE_PYTHONS=${BUNDLE_PYTHONS:-3.11 3.12}
FONT_DIR=${FONT_DIR:-/usr/share/fonts/opentype/noto}
VERSION=$($PYTHON -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
NAME="bianzhi-$VERSION-offline-linux-x86_64"
STAGE="dist/$NAME"

rm -rf "$STAGE"
mkdir -p "$STAGE/wheels" "$STAGE/fonts" "$STAGE/docs"

# The project's own wheel (pure Python: one for every version).
$PYTHON -m pip wheel --quiet --no-deps --wheel-dir "$STAGE/wheels" .

# Every dependency as binary wheels for each supported Python. pip takes them
# from its cache when it has them; --only-binary means nothing needs a
# compiler on the intranet machine.
for version in $BUNDLE_PYTHONS; do
    echo "== wheels for Python $version"
    $PYTHON -m pip download --quiet --dest "$STAGE/wheels" \
        --only-binary=:all: --python-version "$version" --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 --platform manylinux_2_5_x86_64 \
        --platform manylinux1_x86_64 \
        "$STAGE"/wheels/bianzhi-*.whl
done

for font in NotoSerifCJK-Regular.ttc NotoSerifCJK-Bold.ttc NotoSansCJK-Regular.ttc; do
    cp "$FONT_DIR/$font" "$STAGE/fonts/"
done
# The fonts' licence (SIL Open Font License 1.1), as Debian ships it.
if [ -f /usr/share/doc/fonts-noto-cjk/copyright ]; then
    cp /usr/share/doc/fonts-noto-cjk/copyright "$STAGE/fonts/LICENSE-fonts-noto-cjk.txt"
else
    cp packaging/fonts-LICENSE.txt "$STAGE/fonts/LICENSE-fonts-noto-cjk.txt"
fi

cp packaging/install.sh "$STAGE/install.sh"
chmod 755 "$STAGE/install.sh"
cp docs/deploy.md "$STAGE/docs/"
cp README.md "$STAGE/"
echo "$VERSION" > "$STAGE/VERSION"

# gzip level 1: the wheels and fonts are compressed already.
tar -C dist -cf - "$NAME" | gzip -1 > "dist/$NAME.tar.gz"
rm -rf "$STAGE"
echo "已生成 dist/$NAME.tar.gz（$(du -h "dist/$NAME.tar.gz" | cut -f1)，Python：$BUNDLE_PYTHONS）"
