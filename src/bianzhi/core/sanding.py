"""The 三定方案 of one township: 主要职责、机构设置和人员编制方案.

``SandingData`` is everything the document states, as plain values; the
Django loader (``bianzhi.reports.loaders.sanding_load``) fills it from the
townships, institutions, duties and roster apps, and the benchmark fills it
with generated data. ``sanding_document`` turns it into the shared document
model, which the Word and PDF adapters lay out.

The structure follows the usual county 三定 document for a township (and the
headings policy 001 and 004 use): 一、主要职责 (the powers-and-duties list
the township took up), 二、机构设置 (party-government offices, affiliated
public institutions, nameplates), 三、人员编制和领导职数 (admin and
institution quotas per institution, leadership posts), 四、其他事项.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bianzhi.core.document import (
    Block,
    Document,
    Heading,
    Paragraph,
    Signature,
    Table,
    chinese_number,
)

PARTY_GOVERNMENT_OFFICE = "党政综合办事机构"
AFFILIATED_INSTITUTION = "直属事业单位"


@dataclass(frozen=True)
class SandingInstitution:
    """One institution of the township and its approved quotas."""

    name: str
    kind: str  # PARTY_GOVERNMENT_OFFICE, AFFILIATED_INSTITUTION or another label
    admin_quota: int = 0
    institution_quota: int = 0
    nameplates: tuple[str, ...] = ()  # 挂牌: extra names, not institutions
    duties: str = ""  # the institution's main duties in one sentence, if recorded
    leadership_posts: int = 0  # 中层 / 负责人 posts counted against the institution


@dataclass(frozen=True)
class SandingLeadershipPost:
    title: str  # e.g. 党委书记
    count: int


@dataclass(frozen=True)
class SandingData:
    township_code: str
    township_name: str
    county_name: str
    issuer: str  # e.g. 中共大英县委机构编制委员会
    date: dt.date
    duties: tuple[str, ...]
    institutions: tuple[SandingInstitution, ...]
    leadership_posts: tuple[SandingLeadershipPost, ...]
    township_class: str = ""
    document_number: str = ""
    duty_list_size: int | None = None  # items of the powers-and-duties list, when known
    territorial_list_size: int | None = None
    # 核定编制 of the township (townships app); None = use the institutions' sum.
    approved_admin_quota: int | None = None
    approved_institution_quota: int | None = None
    # 属地事项 by the township's role (主体责任 / 配合责任), when known.
    territorial_lead: int | None = None
    territorial_supporting: int | None = None
    # 派驻机构 (派出所、司法所…): vertical, not the township's own institutions.
    dispatched: tuple[str, ...] = ()
    # 综合行政执法: staff on the roster, how many certified, the minimum in force
    # (None: the rule is switched off) and the office head when recorded.
    enforcement_staff: int | None = None
    enforcement_certified: int | None = None
    enforcement_minimum: int | None = 2
    enforcement_head: str = ""
    # The county's unified offices (001 §(二)1) the township has not set up;
    # None = not checked.
    missing_unified_offices: tuple[str, ...] | None = None
    # The approval the figures come from (文号 in document_number); None = no
    # approval recorded, the document is then a draft (送审稿).
    approved_on: dt.date | None = None
    # 主要职责 of the township by functional area (领域, 职责), when recorded;
    # then "一、主要职责" lists these and only summarises the powers list.
    functional_duties: tuple[tuple[str, str], ...] = ()
    # The powers list by source (法定事项 14 …), for that summary.
    duty_sources: tuple[tuple[str, int], ...] = ()

    @property
    def admin_quota(self) -> int:
        return sum(i.admin_quota for i in self.institutions)

    @property
    def institution_quota(self) -> int:
        return sum(i.institution_quota for i in self.institutions)

    @property
    def leadership_total(self) -> int:
        return sum(p.count for p in self.leadership_posts)

    def of_kind(self, kind: str) -> tuple[SandingInstitution, ...]:
        return tuple(i for i in self.institutions if i.kind == kind)


def sanding_title(data: SandingData) -> str:
    return f"{data.township_name}主要职责、机构设置和人员编制方案"


def _with_nameplates(inst: SandingInstitution) -> str:
    if not inst.nameplates:
        return inst.name
    return f"{inst.name}（挂{'、'.join(inst.nameplates)}牌子）"


def _date_cn(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def sanding_document(data: SandingData) -> Document:
    """The 三定方案 of ``data`` as a document (numbers and names exactly as in ``data``)."""
    blocks: list[Block] = []
    class_text = f"（{data.township_class}）" if data.township_class else ""
    blocks.append(
        Paragraph(
            f"根据党中央、国务院和省委、省政府关于深化乡镇机构改革的有关规定，结合"
            f"{data.county_name}{data.township_name}{class_text}实际，制定本方案。"
        )
    )

    # 一、主要职责
    blocks.append(Heading("一、主要职责", 1))
    if data.functional_duties:
        blocks.extend(
            Paragraph(
                f"（{chinese_number(i)}）{area}：{text}" if i < 100 else f"{i}. {area}：{text}"
            )
            for i, (area, text) in enumerate(data.functional_duties, start=1)
        )
    elif data.duties:
        blocks.extend(
            # 三定 documents number duties （一）（二）…; very long lists go on in digits.
            Paragraph(f"（{chinese_number(i)}）{duty}" if i < 100 else f"{i}. {duty}")
            for i, duty in enumerate(data.duties, start=1)
        )
    else:
        blocks.append(Paragraph("（权责清单尚未录入本系统。）"))
    sizes = []
    if data.duty_list_size is not None:
        by_source = ""
        if data.functional_duties and data.duty_sources:
            by_source = (
                "（其中" + "、".join(f"{source}{n}项" for source, n in data.duty_sources) + "）"
            )
        sizes.append(f"权责清单事项{data.duty_list_size}项{by_source}")
    if data.territorial_list_size is not None:
        split = ""
        if data.territorial_lead is not None and data.territorial_supporting is not None:
            split = (
                f"（其中承担主体责任{data.territorial_lead}项、"
                f"配合责任{data.territorial_supporting}项）"
            )
        sizes.append(f"属地事项责任清单事项{data.territorial_list_size}项{split}")
    if sizes:
        blocks.append(Paragraph(f"{data.township_name}承接{'、'.join(sizes)}，按清单履行职责。"))

    # 二、机构设置
    blocks.append(Heading("二、机构设置", 1))
    offices = data.of_kind(PARTY_GOVERNMENT_OFFICE)
    affiliated = data.of_kind(AFFILIATED_INSTITUTION)
    others = tuple(i for i in data.institutions if i not in offices and i not in affiliated)
    blocks.append(
        Paragraph(
            f"{data.township_name}设置{PARTY_GOVERNMENT_OFFICE}{len(offices)}个、"
            f"{AFFILIATED_INSTITUTION}{len(affiliated)}个"
            + (f"、其他机构{len(others)}个" if others else "")
            + "。"
        )
    )
    for number, (label, group) in enumerate(
        [
            (PARTY_GOVERNMENT_OFFICE, offices),
            (AFFILIATED_INSTITUTION, affiliated),
            ("其他机构", others),
        ],
        start=1,
    ):
        if not group:
            continue
        blocks.append(Heading(f"（{chinese_number(number)}）{label}", 2))
        for i, inst in enumerate(group, start=1):
            text = f"{i}. {_with_nameplates(inst)}"
            if inst.duties:
                text += f"。{inst.duties}"
            blocks.append(Paragraph(text))

    # 三、人员编制和领导职数
    blocks.append(Heading("三、人员编制和领导职数", 1))
    admin = data.admin_quota if data.approved_admin_quota is None else data.approved_admin_quota
    institution = (
        data.institution_quota
        if data.approved_institution_quota is None
        else data.approved_institution_quota
    )
    blocks.append(
        Paragraph(
            f"{data.township_name}核定行政编制{admin}名、"
            f"事业编制{institution}名。各机构编制分配如下表。"
        )
    )
    if data.institutions and (admin, institution) != (data.admin_quota, data.institution_quota):
        # The ledger per institution and the township's approved total disagree:
        # say so rather than print two silently different numbers.
        blocks.append(
            Paragraph(
                f"（各机构编制合计为行政编制{data.admin_quota}名、事业编制"
                f"{data.institution_quota}名，与核定数不一致，请核对编制台账。）"
            )
        )
    rows = [
        (
            str(i),
            inst.name,
            inst.kind,
            str(inst.admin_quota),
            str(inst.institution_quota),
            "、".join(inst.nameplates),
        )
        for i, inst in enumerate(data.institutions, start=1)
    ]
    rows.append(("", "合计", "", str(data.admin_quota), str(data.institution_quota), ""))
    blocks.append(
        Table(
            headers=("序号", "机构名称", "机构类别", "行政编制", "事业编制", "挂牌"),
            rows=tuple(rows),
            widths=(0.8, 3.0, 2.8, 1.4, 1.4, 1.9),
            numeric=frozenset({3, 4}),
            caption=f"{data.township_name}机构编制分配表",
            total_row=True,
        )
    )
    if data.leadership_posts:
        posts = "、".join(f"{p.title}{p.count}名" for p in data.leadership_posts)
        blocks.append(
            Paragraph(f"{data.township_name}核定领导职数{data.leadership_total}名：{posts}。")
        )
        middle = [i for i in data.institutions if i.leadership_posts]
        if middle:
            # 中层职数 (003 §一(四)): posts below the leadership, counted per institution.
            blocks.append(
                Paragraph(
                    f"核定中层职数{sum(i.leadership_posts for i in middle)}名，其中"
                    + "、".join(f"{i.name}{i.leadership_posts}名" for i in middle)
                    + "。"
                )
            )
    else:
        blocks.append(Paragraph("（领导职数尚未录入本系统。）"))

    # 四、其他事项
    blocks.append(Heading("四、其他事项", 1))
    if data.enforcement_staff is not None:
        text = f"{data.township_name}从事综合行政执法工作的人员{data.enforcement_staff}名"
        if data.enforcement_certified is not None:
            text += f"（其中持有效执法证{data.enforcement_certified}名）"
        if data.enforcement_minimum is not None:
            if data.enforcement_staff >= data.enforcement_minimum:
                text += f"，达到不低于{data.enforcement_minimum}名的要求"
            else:
                text += (
                    f"，低于不低于{data.enforcement_minimum}名的要求，"
                    f"须配齐{data.enforcement_minimum - data.enforcement_staff}名"
                )
        text += (
            f"；执法机构负责人为{data.enforcement_head}。"
            if data.enforcement_head
            else "；执法机构负责人未在本系统登记。"
        )
        blocks.append(Paragraph(text))
    if data.missing_unified_offices:
        blocks.append(
            Paragraph(
                f"按全县统一设置的机构，{data.township_name}尚未设置："
                f"{'、'.join(data.missing_unified_offices)}。"
            )
        )
    if data.dispatched:
        blocks.append(
            Paragraph(
                f"{'、'.join(data.dispatched)}为派驻机构，实行派驻体制，不列入本方案的机构和编制。"
            )
        )
    blocks.append(
        Paragraph(
            f"{data.township_name}应严格执行机构编制管理规定，不得擅自增设机构、"
            "超编进人、超职数配备领导干部；新进人员在乡镇最低服务年限内不得借调。"
        )
    )
    blocks.append(Paragraph(f"本方案由{data.issuer}办公室负责解释，自印发之日起施行。"))
    # 发文字号 and date are the approval's; without an approval it is a draft.
    signed_on = data.approved_on or data.date
    blocks.append(Signature(lines=(data.issuer,), date=_date_cn(signed_on)))
    return Document(
        title=sanding_title(data),
        blocks=tuple(blocks),
        number=data.document_number,
        subtitle="" if data.approved_on else "（送审稿）",
        metadata={"township_code": data.township_code},
    )
