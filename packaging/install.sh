#!/bin/sh
# 离线安装乡镇机构编制资源配置系统（bianzhi）。用法：
#   ./install.sh /opt/bianzhi
# 不访问网络：只从本目录的 wheels/ 安装。需要 Python 3.11 以上（含 venv 模块）与
# Pango 1.44 以上（生成 PDF），见 docs/deploy.md。
set -eu

PREFIX=${1:-}
if [ -z "$PREFIX" ]; then
    echo "用法：$0 安装目录（如 /opt/bianzhi）" >&2
    exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python3}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "错误：需要 Python 3.11 或更高版本（当前：$("$PYTHON" --version 2>&1)）。可用 PYTHON=/路径/python3.12 $0 $PREFIX 指定。" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "错误：Python 缺少 venv 模块（Debian/Ubuntu：apt install python3-venv）。" >&2
    exit 1
fi

mkdir -p "$PREFIX"
PREFIX=$(cd "$PREFIX" && pwd)
echo "安装到 $PREFIX ……"
"$PYTHON" -m venv "$PREFIX/venv"
# --isolated: no pip.conf or PIP_* variable of this machine may send pip to
# an index; --no-index: wheels/ only.
"$PREFIX/venv/bin/python" -m pip install --isolated --no-index --quiet \
    --find-links "$HERE/wheels" bianzhi

mkdir -p "$PREFIX/share/fonts" "$PREFIX/etc" "$PREFIX/data" "$PREFIX/bin" "$PREFIX/var/fontcache"
cp "$HERE"/fonts/* "$PREFIX/share/fonts/"
# fontconfig reads the system's configuration and then the bundled fonts, so
# PDFs have CJK fonts even where none is installed.
cat > "$PREFIX/etc/fonts.conf" <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>$PREFIX/share/fonts</dir>
  <cachedir>$PREFIX/var/fontcache</cachedir>
</fontconfig>
CONF

if [ ! -f "$PREFIX/etc/bianzhi.env" ]; then
    cat > "$PREFIX/etc/bianzhi.env" <<CONF
# bianzhi 的设置（环境变量，见 docs/deploy.md）。systemd 单元以 EnvironmentFile 读取本文件。
BIANZHI_DATA_DIR=$PREFIX/data
FONTCONFIG_FILE=$PREFIX/etc/fonts.conf
# BIANZHI_DATABASE_URL=postgres://bianzhi:密码@127.0.0.1:5432/bianzhi
# BIANZHI_PRODUCTION=1
# BIANZHI_SECRET_KEY=（至少 32 个字符的随机字符串）
# BIANZHI_ALLOWED_HOSTS=bianzhi.example.gov.cn
CONF
fi

# The command: reads the settings file, then runs the installed bianzhi.
cat > "$PREFIX/bin/bianzhi" <<CMD
#!/bin/sh
set -a
. "$PREFIX/etc/bianzhi.env"
set +a
exec "$PREFIX/venv/bin/bianzhi" "\$@"
CMD
chmod 755 "$PREFIX/bin/bianzhi"

# Static files collected now, so the first \`bianzhi serve\` starts at once.
"$PREFIX/bin/bianzhi" collectstatic >/dev/null

echo "安装完成。数据目录：$PREFIX/data；设置文件：$PREFIX/etc/bianzhi.env"
echo "下一步："
echo "  $PREFIX/bin/bianzhi migrate                 # 创建数据库表"
echo "  $PREFIX/bin/bianzhi createuser admin --superuser"
echo "  $PREFIX/bin/bianzhi serve --host 0.0.0.0 --port 8000"
