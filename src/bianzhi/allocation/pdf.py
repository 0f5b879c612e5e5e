"""The plan as a PDF for filing: an HTML template rendered by WeasyPrint.

Chinese needs a CJK font on the server (Debian: fonts-noto-cjk); WeasyPrint
embeds the subset it uses, so the PDF reads the same on any machine
(tests check with ``pdffonts``).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from bianzhi.allocation.models import AllocationPlan
from bianzhi.regions.selectors import region_full_name


def plan_pdf(*, plan: AllocationPlan) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "allocation/pdf.html",
        {
            "plan": plan,
            "county_name": region_full_name(region=plan.region),
            "results": (plan.results or {}).items(),
            "generated_at": timezone.localtime(),
        },
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
