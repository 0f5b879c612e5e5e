"""An HTML page as a PDF, through WeasyPrint: the public powers-and-duties
list and the allocation plan for filing. The apps render their Django
templates to a string and hand it over; this module sees only that string.

Chinese needs a CJK font on the server (Debian: fonts-noto-cjk), found
through fontconfig; WeasyPrint embeds the subset it uses, so the PDF reads
the same on a machine without CJK fonts (tests check with ``pdffonts``).
The official documents (GB/T 9704 layout) have their own ``pdf_official``.
"""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    # Imported here, not at the top: loading WeasyPrint (Pango, fonts) takes
    # about a second, and only these downloads need it.
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
