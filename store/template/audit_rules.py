"""The report audit as data: every rule's id, group, scope, severity and Chinese message, and the word
lists the rules read (the template's fixed words whose typos are findings, the statutory deadline, the
words of an outdated outline, what a concrete section 五 and the 2021 section 六 say).

The code that applies them is ``store.audit``; nothing there spells a rule's wording or a template word.

* ``scope``: ``report`` – something the agency printed (what an assessor signs); ``extraction`` – something
  about our copy or our reading of it (a figure we could not read, a cut-off copy, a spam mirror): our
  problem, never held against the agency.
* ``severity``: ``error`` – the report breaks a rule of the template or contradicts itself;
  ``warning`` – very likely wrong, worth a look; ``note`` – a departure from the standard form.
* ``message``: formatted with the fields the rule function supplies (``str.format``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]
Scope = Literal["report", "extraction"]

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "note": "提示"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2, "info": 2}
SCOPE_LABELS = {"report": "报告本身", "extraction": "本项目读取"}
GROUP_LABELS = {"structure": "结构", "figures": "数字", "text": "文字", "timeliness": "时效", "extraction": "读取"}


@dataclass(frozen=True)
class Rule:
    id: str
    group: Literal["structure", "figures", "text", "timeliness", "extraction"]
    severity: Severity
    title: str  # what the rule checks, in Chinese
    message: str  # the finding, formatted with the rule function's fields
    scope: Scope = "report"


RULES: tuple[Rule, ...] = (
    # ------------------------------------------------------------------ structure
    Rule("section_missing", "structure", "error", "六个部分齐全",
         "缺少第{number}部分“{title}”"),
    Rule("section_heading_missing", "structure", "warning", "部分标题齐全",
         "第{number}部分的内容没有“{number}、{title}”标题"),
    Rule("section_order", "structure", "error", "六个部分顺序",
         "第{number}部分“{title}”排在第{before}部分之后，顺序与模板不符"),
    Rule("section_numeral", "structure", "warning", "部分序号",
         "“{title}”应为第{number}部分，却编为“{printed}”"),
    Rule("section_title", "structure", "note", "部分标题",
         "第{number}部分标题印作“{printed}”，模板标题为“{title}”"),
    Rule("numbering_style", "structure", "note", "统一的编号体例",
         "第{number}部分的标题编号写法“{printed}”与其他部分（“{usual}”）不一致"),
    Rule("numbering_brackets", "structure", "note", "编号括号",
         "编号括号全角半角混用：“{printed}”"),
    Rule("numbering_sequence", "structure", "warning", "编号连续",
         "编号不连续：{sequence}"),
    Rule("table_rows_missing", "structure", "warning", "表格各行齐全",
         "第{section}部分表格缺少“{rows}”{count}行"),
    Rule("template_version", "structure", "warning", "表格版本与年度相符",
         "{year}年度报告使用了{printed}年版表格（{printed_basis}），应使用{expected}年版（{expected_basis}）"),
    Rule("template_basis", "structure", "note", "编制依据",
         "{year}年度报告援引{cited}作为编制依据，{year}年度适用的是{expected_basis}"),
    Rule("outline_outdated", "structure", "warning", "提纲版本",
         "报告采用2019年以前的旧版提纲（{marks}），与现行年报格式的六个部分不符"),
    Rule("period_missing", "structure", "note", "说明统计期限",
         "报告未说明所列数据的统计期限"),
    Rule("period_mismatch", "structure", "error", "统计期限与年度相符",
         "统计期限“{printed}”与报告年度{year}年（{year}年1月1日至12月31日）不符"),
    Rule("period_malformed", "structure", "warning", "统计期限书写",
         "统计期限日期书写有误：“{printed}”"),
    # ------------------------------------------------------------------ figures
    Rule("apply_balance", "figures", "error", "勾稽关系：本年新收 + 上年结转 = 办结 + 结转", "{message}"),
    Rule("apply_results_sum", "figures", "error", "勾稽关系：各项办理结果之和 = 总计", "{message}"),
    Rule("apply_row_sum", "figures", "error", "勾稽关系：各类申请人之和 = 总计", "{message}"),
    Rule("review_sum", "figures", "error", "勾稽关系：复议、诉讼各结果之和 = 总计", "{message}"),
    Rule("narrative_matches_table", "figures", "warning", "正文数字与表格一致", "{message}"),
    Rule("parts_vs_total", "figures", "warning", "分项之和等于所述总数",
         "正文所列分项之和为{parts}{unit}（{terms}），与所述总数{total}{unit}不符"),
    Rule("in_force_below_issued", "figures", "error", "现行有效件数不少于本年制发减废止",
         "{label}本年制发{issued}件、废止{repealed}件，现行有效却只有{in_force}件"),
    Rule("cross_year_carried", "figures", "warning", "跨年：上年结转 = 上年报告的结转下年度", "{message}"),
    Rule("cross_year_in_force", "figures", "warning", "跨年：现行有效 = 上年现行有效 + 制发 − 废止", "{message}"),
    # ------------------------------------------------------------------ text
    Rule("duplicated_word", "text", "warning", "重复用字", "“{word}”重复：“{context}”"),
    Rule("year_mismatch", "text", "warning", "文中年份与报告年度一致",
         "{year}年度报告中，{what}写作“{printed}”"),
    Rule("template_word_typo", "text", "warning", "模板固定用语",
         "“{printed}”应为“{word}”{more}"),
    Rule("date_malformed", "text", "warning", "日期书写", "日期书写有误：“{printed}”"),
    Rule("doc_number_malformed", "text", "warning", "文号书写", "文号书写有误：“{printed}”（应为“{expected}”）"),
    Rule("agency_name_variant", "text", "warning", "机关名称一致",
         "机关名称写作“{printed}”，与报告标题中的“{agency}”不一致"),
    Rule("other_agency_named", "text", "error", "报告主体一致",
         "报告中写的是“{printed}”的年度报告，而本报告是“{agency}”的"),
    Rule("other_province_cited", "text", "warning", "援引本地法规",
         "{province}的报告援引了{cited}的规定“{printed}”"),
    Rule("section5_not_concrete", "text", "warning", "第五部分写明具体问题和改进措施",
         "第五部分{why}"),
    Rule("section6_fee_missing", "text", "warning", "第六部分说明信息处理费",
         "第六部分未说明收取信息处理费的情况（2021年版格式要求写明）"),
    Rule("contact_malformed", "text", "note", "联系方式书写", "{what}书写有误：“{printed}”"),
    Rule("title_nonstandard", "text", "note", "报告标题", "报告标题“{printed}”{why}"),
    # ------------------------------------------------------------------ timeliness
    Rule("late_report", "timeliness", "warning", "按期公布（次年1月31日前）",
         "{what}为{date}，晚于法定公布期限{deadline}"),
    Rule("date_before_period_end", "timeliness", "error", "日期晚于统计期",
         "{what}为{date}，早于统计期结束（{year}年12月31日）"),
    # ------------------------------------------------------------------ our reading (extraction)
    Rule("reader", "extraction", "error", "文件读取", "{message}", "extraction"),
    Rule("table_layout", "extraction", "warning", "表格版式", "{message}", "extraction"),
    Rule("table_partial", "extraction", "warning", "表格完整", "{message}", "extraction"),
    Rule("ocr", "extraction", "note", "OCR识别", "{message}", "extraction"),
    Rule("ocr_uncertain", "extraction", "warning", "OCR识别不可靠", "{message}", "extraction"),
    Rule("no_tables", "extraction", "error", "表格读取", "{message}", "extraction"),
    Rule("table_missing", "extraction", "warning", "表格读取", "{message}", "extraction"),
    Rule("cells_unread", "extraction", "warning", "表格数字读取",
         "第{section}部分表格有{count}格数字未能可靠读取（{rows}），相关核对未做", "extraction"),
    Rule("rows_unread", "extraction", "warning", "表格行读取",
         "第{section}部分表格印有“{rows}”{count}行，但未能读出其数字（按空白存储），相关核对未做", "extraction"),
    Rule("structure_unread", "extraction", "note", "报告结构读取",
         "未能在文本中识别出六个部分的标题（文本可能被压成一段），结构类核对未做", "extraction"),
    Rule("text_truncated", "extraction", "note", "文本完整",
         "所收文本在{where}处中断（可能只是网页摘录），其后的部分未审查", "extraction"),
    Rule("copy_spam", "extraction", "warning", "转载副本",
         "文本中有第三方网站植入的广告词“{printed}”：这是转载副本，不是机关的原文", "extraction"),
    Rule("copy_converted", "extraction", "note", "转载副本",
         "文本是{what}的转载副本，用字差异不计为报告的错误", "extraction"),
)

RULES_BY_ID = {r.id: r for r in RULES}

# ---------------------------------------------------------------------------- deadline

#: 《政府信息公开条例》第五十条: the annual report is published by 31 January of the following year.
DEADLINE_MONTH, DEADLINE_DAY = 1, 31
DEADLINE_BASIS = "《中华人民共和国政府信息公开条例》第五十条"

# ---------------------------------------------------------------------------- template documents

#: The notice that fixed each template version (what a report names as its basis).
TEMPLATE_BASIS = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}

#: The template's fixed words: a printed word one character away from one of them is a typo (钩稽关系,
#: 不子公开).  A character put in the place of another must be one it is mistaken for — a homophone the
#: input method offers (钩/勾, 涵/函, 与/予) or a look-alike (子/予): ``CONFUSABLE_PAIRS`` — any other
#: character makes another word (不断公开, 主要公开).  Only the long phrases (at least
#: ``INSERT_DELETE_MIN`` characters: section titles, row labels) are also matched with a character added
#: or dropped (行政法复议 in the section 四 title, 存在的主要问题及改情况), and never a function character
#: (主动公开政府信息的情况 is a wording, not a typo).
TEMPLATE_WORDS: tuple[str, ...] = (
    "勾稽关系", "不予公开", "予以公开", "部分公开", "不予处理", "无法提供", "行政复议", "行政诉讼",
    "依申请公开", "主动公开", "信息处理费", "上年结转", "结转下年度继续办理",
    "本年新收政府信息公开申请数量", "本机关不掌握相关政府信息", "没有现成信息需要另行制作",
    "补正后申请内容仍不明确", "信访举报投诉类申请", "要求提供公开出版物", "无正当理由大量反复申请",
    "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项",
    "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项",
    "未经复议直接起诉", "复议后起诉", "现行有效件数", "本年制发件数", "本年废止件数", "本年处理决定数量",
)
INSERT_DELETE_MIN = 9
FUNCTION_CHARS = "的之度和及与了等"
CONFUSABLE_PAIRS: tuple[str, ...] = (
    # homophones an input method offers
    "勾钩", "函涵", "予与", "予于", "予语", "议意", "议义", "议异", "复覆", "复付", "费废", "诉述", "诉素", "讼送",
    "讼颂", "稽积", "稽机", "理里", "理礼", "政正", "政证", "府付", "府腐", "公功", "公工", "申伸", "请情", "请清",
    "结节", "结截", "转专", "报保", "报抱", "制治", "制质", "掌长", "握卧", "况矿", "诉肃", "情清", "况旷",
    # look-alikes
    "予子", "予矛", "子孑", "己已", "己巳", "已巳", "未末", "侯候", "拨拔", "贷货", "戍戌", "戊戌", "析折", "今令",
    "土士", "千干", "日曰", "人入", "问间", "免兔", "历厉", "复夏", "议仪", "诉拆", "讼松", "勾句", "稽嵇",
    "处外", "决诀", "理埋", "费贵", "转传", "办为", "况兄", "金全",
)
#: Printed words one character from a fixed word that are right where they stand.
TEMPLATE_WORD_LOOKALIKES: tuple[str, ...] = ("不再处理",)

#: How the name of a reporting agency ends (to tell a name from other words before 年度报告).
AGENCY_SUFFIXES: tuple[str, ...] = ("局", "厅", "委员会", "委", "办公室", "人民政府", "政府", "办事处", "街道", "镇", "乡",
                                    "苏木", "中心", "院", "署", "管委会", "实验区", "开发区", "新区")
#: Two words that share characters where they meet (人民政府 + 政府信息公开 prints 政府 twice, rightly).
SHARED_CHARACTER_WORDS: tuple[tuple[str, str], ...] = (("人民政府", "政府信息"), ("政府", "政府信息公开"))
#: What turns a two-character word into a word of its own when it follows it (规范 + 规范性文件, 政务公开 +
#: 公开栏, 新闻发布会, 下载 + 下载地址): the word printed twice is then two words, rightly.
COMPOUND_TAILS: tuple[str, ...] = ("性", "栏", "会", "化", "地址", "目录", "指南")

#: Words an agency's name may leave out without being misprinted (自治区政府办公厅 for 自治区人民政府办公厅).
NAME_OMISSIONS: tuple[str, ...] = ("人民",)

#: The document number of the template's notice as printed: ``国办公开办函〔2021〕30号``.
DOC_NUMBER_NAME = "国办公开办函"

# ---------------------------------------------------------------------------- outline and sections

#: A line without a numeral that opens with one of these states the section's content (无其他需要报告的事项),
#: however close it reads to the section's title: it is never taken for a title printed differently.
STATEMENT_OPENERS: tuple[str, ...] = ("无", "没有", "暂无", "未", "本年度无", "本年无")

#: Names of sections of the pre-2019 outline (2008 format and local variants) that the current
#: template does not have.  Two of them in the outline or headings: the old outline.
OLD_OUTLINE_MARKS: tuple[str, ...] = ("概述", "收费及减免", "支出和收费", "咨询处理", "指标统计附表", "举报申诉")

#: Section 五 is concrete when it names a problem and a measure.
SECTION5_PROBLEM_WORDS: tuple[str, ...] = (
    "问题", "不足", "短板", "差距", "不够", "有待", "薄弱", "欠缺", "不高", "不强", "不及时", "不到位", "不全面",
    "不完善", "不规范", "滞后", "单一", "较少", "不多", "偏少",
)
SECTION5_MEASURE_WORDS: tuple[str, ...] = (
    "将", "下一步", "改进", "加强", "持续", "推进", "完善", "提升", "强化", "落实", "规范", "整改", "健全",
    "做好", "加大", "拓展", "丰富", "提高",
)
SECTION5_MIN_CHARS = 30

#: Section 六 of the 2021 template states the 信息处理费 charged (国办函〔2020〕109号).
FEE_STATEMENT = r"信息处理费|处理费|收取[^。；]{0,14}费"
FEE_STATEMENT_FROM = "2021"  # template version from which it is asked for

# ---------------------------------------------------------------------------- statistics period

#: Words that introduce the statistics period ("本报告中所列数据的统计期限自…起至…止").
PERIOD_WORDS = (r"统计(?:期限|期|时限|时间段?|日期|时段)|统计数据的?(?:期限|时间|从)|数据统计(?:期限|时限|时间)?|书记时间段"
                r"|数据截[止至]日期")

# ---------------------------------------------------------------------------- text

#: Two-to-four-character repetitions that are right (reduplicated words).
DUPLICATE_OK: tuple[str, ...] = ("研究研究", "看看", "常常", "天天", "年年", "人人", "处处", "事事", "时时", "层层",
                                 "步步", "点点", "条条", "件件", "个个", "家家户户", "方方面面", "一一", "多多")

#: Words a comparison with an earlier year carries (较2023年, 与上年相比): such a year is no slip.
YEAR_COMPARISON_WORDS: tuple[str, ...] = (
    "较", "比", "同比", "相比", "环比", "上年", "去年", "以来", "至今", "以前", "之前", "结转", "持平", "增长",
    "减少", "下降", "增加", "上升", "历年", "起", "开始", "截至", "截止", "前", "度决算", "年决算", "决算",
    "年度部门决算", "年预算", "年度预算",
)

#: Words gambling-spam mirrors inject into copied reports.
SPAM_WORDS: tuple[str, ...] = ("博彩", "葡京", "体育直播", "备用网址", "必威", "体育官方网站", "金沙城", "图库资料",
                               "彩票", "娱乐城", "百家乐", "真人娱乐", "六合彩", "赌场")

#: The names of the provinces (to tell a regulation of another province: 《江苏省政府信息公开申请办理答复规范》).
PROVINCE_NAMES: tuple[str, ...] = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省",
    "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省",
    "云南省", "陕西省", "甘肃省", "青海省", "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区",
    "新疆维吾尔自治区",
)

#: The standard ending of a report's title.
TITLE_ENDING = "政府信息公开工作年度报告"


def rule(rule_id: str) -> Rule:
    return RULES_BY_ID[rule_id]

# ---------------------------------------------------------------------------- narrative figures

def _narrative_figures():
    from store.template import NarrativeFigure

    return (
        NarrativeFigure("active.normative.in_force", (
            r"现行有效(?:的)?(?:行政)?规范性文件(?:共计|共|合计)?\s*(?P<n>\d+)\s*(?:件|份|个)",)),
        NarrativeFigure("active.rules.in_force", (
            r"现行有效(?:的)?(?:政府)?规章(?:共计|共|合计)?\s*(?P<n>\d+)\s*(?:件|份|部|个)",)),
    )


#: Sentences restating a section 二 figure that the audit compares with the table (beyond the ones the
#: chat reads, ``store.template.NARRATIVE_FIGURES``).
AUDIT_NARRATIVE_FIGURES = _narrative_figures()

#: A total and the parts a sentence lists after it ("共61条，其中：减税降费5条，……其他文件共51条").
BREAKDOWN_UNITS = ("条", "件", "篇", "个", "次", "期", "份", "项", "起", "场")
BREAKDOWN_OPENERS = ("其中", "包括", "分别为", "具体为", "含")
#: Parts that add up to less than this share of the total are taken for a partial list ("其中……等").
BREAKDOWN_MIN_SHARE = 0.8

#: Pinyin a converter put after characters ("新榮區(qū)").
PINYIN_ANNOTATION = r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]"
