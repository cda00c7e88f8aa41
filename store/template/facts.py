"""The language of stated figures, as data: how the narrative states a figure and how people ask for it.

The narrative of a report states many figures the tables do not hold ("主动公开政府信息217条",
"通过微信公众号、微博分别发布信息584条、267条", "召开新闻发布会两场", "未收到政府信息公开申请").
Ingest turns every one of them into a fact (:mod:`store.parse.facts`); the bot matches a question
against the facts (:mod:`bot.facts`).  Both read their words from here:

* how figures are printed: units, multipliers (万), approximation words (余, 约 …), numbers in words;
* which sentences state a zero (未收到…申请);
* the concepts a subject is made of (微信 = 微信公众号 = 公众号 = 政务微信 …) and the group each belongs
  to, which decides whether two subjects may be the same thing;
* the filler words of questions and subjects that say nothing about what is counted.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------- how figures are printed

#: Measure words after a figure, longest first where one is the start of another (人次 before 人).
UNITS: tuple[str, ...] = (
    "个工作日", "个百分点", "人次", "场次", "条次", "篇次", "件次", "期次", "次数", "万元", "亿元",
    "余元", "元", "条", "件", "次", "场", "期", "篇", "个", "份", "项", "起", "封", "名", "人", "部", "家",
    "所", "户", "宗", "例", "批", "张", "类", "位", "台", "天", "%", "％",
)
#: Units a figure written in words may carry ("两场", "一件"); a narrower list, as 一 starts many words.
WORD_NUMBER_UNITS: tuple[str, ...] = ("人次", "场次", "条", "件", "次", "场", "期", "篇", "个", "份", "项", "起",
                                      "封", "名", "部", "家", "宗", "例", "批")
#: Words that may stand between a figure and its unit's multiplier: "1.85万条", "574万次".
MULTIPLIERS: dict[str, int] = {"万": 10_000, "亿": 100_000_000}
#: Approximation printed before a figure (约186条, 近200条, 超过15万人次) …
APPROX_BEFORE: tuple[str, ...] = ("大约", "将近", "接近", "超过", "多于", "不少于", "约", "近", "逾", "超")
#: … and after it (260余条, 100多条, 85%以上, 30条左右).
APPROX_AFTER: tuple[str, ...] = ("以上", "左右", "余", "多")
#: What joins the two ends of a range ("5至8场", "10-15条", "20%～30%"): neither end is the figure.
RANGE_MARKS: tuple[str, ...] = ("至", "到", "~", "～", "-", "—", "－", "–")
#: Digits written in words.
WORD_DIGITS: dict[str, int] = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                               "七": 7, "八": 8, "九": 9}
WORD_POWERS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
#: A figure in words is no count after these (第一次, 每一件, 统一, 同一个, 唯一) …
WORD_NUMBER_NOT_AFTER: str = "第每统同唯单逐任某哪这那其一之跑"
#: … nor before these (一次性, 一件事一次办, 一起 "together", 一个个).
WORD_NUMBER_NOT_BEFORE: tuple[str, ...] = ("性", "事", "样", "般", "起", "体", "批批", "个个", "步", "律", "定",
                                           "线", "站", "网", "窗", "号", "码", "张图", "件事", "办")
#: A figure printed without a unit counts only after these words ("推送信息1363", "信息数130").
UNITLESS_AFTER: tuple[str, ...] = ("信息", "数", "量", "申请", "文章", "稿件", "推文")
#: A unit is no unit when the next character makes it another word: 18部门, 条例, 期间, 名单 …
UNIT_NOT_BEFORE: dict[str, str] = {"部": "门署委分", "条": "例款线", "期": "间限刊末", "名": "单称义录", "类": "别型",
                                   "批": "复准示次", "台": "账", "户": "籍口", "家": "庭属", "项": "目", "人": "员民大",
                                   "个": "人体", "次": "数", "件": "数", "所": "有属在", "天": "然"}
#: The shortest ending of the agency's name left out of subjects ("城市管理局" of 郑州高新区城市管理局).
MIN_NAME_PART: int = 4
#: Endings of region names, left off to find the region named without them (长春 of 长春市).
REGION_SUFFIXES: tuple[str, ...] = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "特别行政区", "省", "市",
                                    "区", "县", "旗", "盟", "州")
#: A figure of more digits than this is no count (crawled tables run cells together: "21710000218"),
#: except an amount of money.
MAX_DIGITS: int = 8
#: A sentence with this many figures without units is a table's cells run together, not prose: its
#: figures without units are not read.
TABLE_LIKE_FIGURES: int = 3
#: A four-digit figure with no unit between these is a year, not a count.
YEAR_RANGE: tuple[int, int] = (1949, 2100)
#: Words that make a stated figure a change, not a count: (word, sign) — "比2019年减少3项".
CHANGE_WORDS: tuple[tuple[str, int], ...] = (("减少", -1), ("下降", -1), ("降低", -1), ("减", -1),
                                             ("增加", 1), ("增长", 1), ("提高", 1), ("上升", 1), ("增", 1))

#: Table figures a sentence restating a row may count with it: "收到政府信息公开申请75件" of a report whose
#: 本年新收 is 74 and 上年结转 1 counts both (a question about 本年新收 is answered by the table's 74).
RESTATED_WITH: dict[str, tuple[str, ...]] = {"apply.new.total": ("apply.carried.total",)}
#: A clause opening with these details the clause before it ("收到申请5件,其中3件已办结").
PART_MARKERS: tuple[str, ...] = ("其中", "含", "包括")
#: How a subject names the year before and after the report's ("2023年结转" in a 2024 report).
PREVIOUS_YEAR: str = "上年"
NEXT_YEAR: str = "下年"
#: A subject that is only a comparison with the year before, its figure no change ("我局共收到申请22起，比2022年
#: (31起)下降29%": 31): the figure is the year before's count of what the sentence's topic counts.
PREVIOUS_VALUE_SUBJECTS: tuple[str, ...] = ("比上年", "较上年", "比去年", "较去年", "比上年同期", "较上年同期", "上年同期")
#: A subject of this many characters or fewer ("全年办理") leans on the clause before it.
SHORT_SUBJECT: int = 4
#: A figure-free clause opening with these describes the figure before it ("答复申请1件,为部分公开").
TAIL_OPENERS: tuple[str, ...] = ("为", "均为", "系", "属于", "是")

# --------------------------------------------------------------------------- sentences that state a zero

#: Negations that open a statement of nothing: "未收到政府信息公开申请", "没有接到群众…申请".
ZERO_NEGATIONS: tuple[str, ...] = ("均未", "尚未", "也未", "未曾", "没有", "未", "无")
#: The verbs that make such a negation a count of zero (未收到 …, 无涉及 …, 未发生 …).
ZERO_VERBS: tuple[str, ...] = ("收到", "受理", "接到", "接收", "发生", "产生", "出现", "作出", "涉及", "提起",
                               "引发", "收取", "有")
#: The longest stretch (characters) between negation and verb: "未接收到", "没有接到群众主动要求公开…".
ZERO_GAP: int = 4

# --------------------------------------------------------------------------- subjects: concepts


@dataclass(frozen=True)
class Concept:
    """A thing a figure may count, or a word that qualifies it, under one canonical name.

    ``group``: concepts of one group exclude each other (微信 is not 微博; 收到 is not 办结).
    ``required``: a question naming it is answered only by a fact that names it too (a figure about
    微信 never answers a question about 微博 or about 主动公开 in general); a concept that is not
    required may be left unsaid by the fact ("依申请公开0件" answers "收到几件依申请公开").
    ``weight``: how much it tells a subject apart.
    """

    name: str
    group: str
    words: tuple[str, ...]
    required: bool = True
    weight: float = 3.0


CONCEPTS: tuple[Concept, ...] = (
    # channels
    Concept("微信", "channel", ("微信公众号", "微信公众平台", "政务微信", "微信号", "微信平台", "微信端", "公众号",
                                "微信")),
    Concept("微博", "channel", ("政务微博", "官方微博", "微博号", "微博")),
    Concept("网站", "channel", ("门户网站", "官方网站", "政务网站", "官网", "网站", "政务网", "门户网")),
    Concept("新媒体", "media", ("政务新媒体", "新媒体", "自媒体")),  # all of them, not one channel
    Concept("公开栏", "channel", ("政务公开栏", "信息公开栏", "公开栏", "公示栏", "宣传栏", "公告栏")),
    Concept("热线", "channel", ("热线电话", "热线")),
    Concept("信箱", "channel", ("县长信箱", "市长信箱", "区长信箱", "书记信箱", "长信箱", "信箱", "来信")),
    Concept("公报", "channel", ("政府公报", "公报")),
    Concept("发布会", "event", ("新闻发布会", "发布会")),
    Concept("吹风会", "event", ("政策吹风会", "吹风会")),
    Concept("访谈", "event", ("在线访谈", "访谈")),
    Concept("培训", "event", ("培训班", "培训会", "培训")),
    Concept("解读", "topic", ("政策解读", "解读材料", "解读稿件", "解读文件", "解读信息", "解读")),
    Concept("动态", "topic", ("政务动态", "工作动态", "动态信息", "政务要闻", "要闻", "动态")),
    Concept("规范性文件", "document", ("行政规范性文件", "规范性文件")),
    Concept("规章", "document", ("政府规章", "规章")),
    Concept("行政许可", "power", ("行政许可",)),
    Concept("行政处罚", "power", ("行政处罚",)),
    Concept("行政强制", "power", ("行政强制",)),
    Concept("行政复议", "remedy", ("被申请行政复议", "申请行政复议", "行政复议", "复议")),
    Concept("行政诉讼", "remedy", ("被提起行政诉讼", "提起行政诉讼", "行政诉讼", "诉讼", "起诉", "应诉", "官司")),
    Concept("申请", "request", ("申请政府信息公开", "申请公开政府信息", "申请信息公开", "政府信息公开申请", "信息公开申请", "依申请公开", "公开申请", "申请公开", "要求公开",
                                "申请"), required=False, weight=1.5),
    Concept("变化", "change", ("比上年", "较上年", "比去年", "较去年", "同比", "变化", "增减", "变动", "增加", "减少",
                                "增长", "下降", "减", "增")),
    Concept("直接", "route", ("未经复议", "直接")),
    Concept("复议后", "route", ("经复议后", "经复议", "复议后")),
    Concept("申请人", "party", ("申请人",)),
    Concept("网上", "way", ("网上申请", "网络申请", "在线申请", "网上", "网络", "在线")),
    Concept("信函", "way", ("信函申请", "信件申请", "信函", "信件", "邮寄")),
    Concept("当面", "way", ("当面申请", "当面", "现场")),
    Concept("收费", "topic", ("行政事业性收费", "收费")),
    Concept("信息处理费", "fee", ("信息处理费", "处理费")),  # section 六's fee for handling requests, no 收费
    Concept("粉丝", "audience", ("粉丝量", "粉丝数", "关注人数", "关注量", "粉丝", "关注")),
    Concept("访问量", "audience", ("访问量", "点击量", "浏览量", "阅读量", "访问")),
    Concept("专职", "staff", ("专职人员", "专职工作人员", "专职")),
    Concept("兼职", "staff", ("兼职人员", "兼职工作人员", "兼职")),
    # outcomes of an application
    Concept("予以公开", "outcome", ("予以公开", "同意公开", "全部公开")),
    Concept("部分公开", "outcome", ("部分公开", "区分处理")),
    Concept("不予公开", "outcome", ("不予公开", "不公开")),
    Concept("无法提供", "outcome", ("无法提供", "不掌握", "没法提供")),
    Concept("不予处理", "outcome", ("不予处理",)),
    # periods: this year's figure is not the running total, last year's is not next year's
    Concept("历年", "period", ("历年累计", "历年", "成立以来", "建站以来", "开通以来")),
    Concept("上年", "period", ("上一年度", "上一年", "上年度", "上年", "去年")),
    Concept("下年", "period", ("下一年度", "下一年", "下年度", "下年", "次年", "明年")),
    # what was done (a fact that does not say may still answer; one that says another thing never does)
    Concept("发布", "act", ("公开发布", "发布", "公开", "公布", "公示", "推送", "推出", "刊发",
                            "刊登", "更新", "上传", "发了", "发送", "发出", "推文"), required=False, weight=1.0),
    Concept("转发", "act", ("转发", "转载"), required=False, weight=1.0),
    Concept("收到", "act", ("收到", "受理", "接到", "接收"), required=False, weight=1.0),
    Concept("新收", "fresh", ("本年新收", "新收"), weight=1.0),  # this year's new ones, not those carried over
    Concept("办结", "act", ("办结", "答复", "办理完毕", "处理完毕"), required=False, weight=1.0),
    Concept("结转", "act", ("结转",), required=False, weight=1.0),
    Concept("撤回", "act", ("撤回", "撤销", "撤诉"), required=False, weight=1.0),
    Concept("废止", "act", ("废止", "失效", "宣布失效"), required=False, weight=1.0),
    Concept("制发", "act", ("制发", "制定", "印发", "制作", "出台", "发文"), required=False, weight=1.0),
    Concept("召开", "act", ("召开", "举办", "举行", "组织", "开展", "开了"), required=False, weight=1.0),
    Concept("审结", "act", ("审结",), required=False, weight=1.0),
    Concept("回应", "act", ("回应",), required=False, weight=1.0),
    Concept("办理", "act", ("办理",), required=False, weight=1.0),
    # a figure said to belong to a class ("1件申请信息,属于已公开事项") counts a part of what was received
    Concept("属于", "class", ("属于", "均属", "均为"), weight=0.5),
    # what can be done is no count of what was done ("可全程在线办理政务服务事项1512项" is no number handled)
    Concept("可办", "capability", ("可全程在线办理", "可全程网上办理", "可全程网办", "可在线办理", "可网上办理", "可网办",
                                   "可以办理", "可办理", "可办"), weight=1.0),
    Concept("未", "negation", ("尚未", "还未", "仍未", "没有", "没", "未"), weight=1.0),
    Concept("占比", "share", ("占比", "比例", "比重", "百分比", "百分之", "占", "率"), required=False, weight=1.0),
    # the rest of a breakdown ("通过报刊、电视等其他渠道公开信息132万条"): a part, not the whole
    Concept("其他", "other", ("其他渠道", "其他方式", "其他途径", "其他形式", "其他"), weight=1.0),
    Concept("累计", "cumulative", ("累计",), required=False, weight=0.5),  # the year's total, beside 主动 or not
    # the whole region, all its units together ("全区共公布", "我区各级单位主动公开")
    Concept("全区", "scope", ("政府信息公开单位", "各级单位", "各单位", "全区", "我区", "全市", "我市", "全县", "我县",
                             "全省", "我省", "全镇", "我镇", "全乡", "我乡", "全街道"), required=False, weight=0.5),
    Concept("主动", "extent", ("主动",), required=False, weight=0.5),
    Concept("信息", "thing", ("政府信息", "政务信息", "信息"), required=False, weight=0.3),
)

#: Polite or framing words that open a question ("请问", "麻烦问一下，", "我想知道"): cut before the question
#: is read, so that they are never taken for part of a name (请问实验区行政审批局).  Longest first at use.
QUESTION_OPENERS: tuple[str, ...] = (
    "请问一下", "请问下", "请问", "麻烦问一下", "麻烦问下", "麻烦您", "麻烦", "想问一下", "想问下", "想问问", "想问",
    "问一下", "问下", "我想知道", "想知道", "我想了解一下", "我想了解", "想了解一下", "想了解", "帮忙查一下",
    "帮忙查下", "帮我查一下", "帮我查下", "帮我看看", "帮忙", "查一下", "查下", "告诉我", "您好", "你好", "老师好",
    "打扰一下", "打扰了", "劳驾",
)

#: A verb of one character standing alone between filler words ("一共发了多少", "发的数量"): read as the
#: concept it is short for.
LONE_CHARACTERS: dict[str, str] = {"发": "发布", "收": "收到"}

#: Words that say nothing about what is counted, in questions and in subjects (longest first at use).
FILLER_WORDS: tuple[str, ...] = (
    "多少", "几", "是否", "有没有", "请问", "想问一下", "想问下", "想问问", "想问", "问一下", "问下", "我想了解", "想了解",
    "了解一下", "麻烦", "帮忙", "帮我", "查一下", "查下", "看一下", "看看", "告诉我", "我想知道", "想知道", "根据", "据",
    "一共", "总共", "合计", "共计", "总计", "共有", "共", "一下",
    "大概", "大约", "大致", "约", "将近", "差不多", "左右", "吗", "呢", "啊", "呀", "吧", "么",
    "全年度", "本年度", "全年", "本年", "今年以来", "今年", "当年", "以来", "年度", "年内", "全",
    "数量", "数目", "总数", "总量", "个数", "件数", "条数", "次数", "情况", "数字", "数据",
    "我镇", "我乡", "我街道", "我局", "我委", "我办", "我厅", "我中心", "我区", "我县", "我市", "我单位",
    "各类", "各种", "各项", "各", "相关", "有关", "等", "其中", "另外", "此外", "同时", "以及",
    "通过", "依托", "利用", "借助", "在", "于", "向", "对", "把", "被", "因", "因为", "由于", "涉及", "关于",
    "达到", "达", "为", "是", "有", "的", "了", "过", "和", "与", "及", "或", "并", "也", "还", "都", "里",
    "中", "上", "内", "给", "让", "将", "就", "已", "已经", "人们", "群众", "公众", "社会", "加上", "加",
    "年度报告里", "年度报告中", "年报里", "年报中", "报告里", "报告中", "提出", "提交", "递交", "各级单位", "各单位", "各级", "加起来", "加在一起", "合起来", "相加", "之和", "总和",
    "一是", "二是", "三是", "四是", "五是", "六是", "首先", "其次", "再次", "最后", "全区", "全市", "全县", "全省",
    "全镇", "全乡", "本级", "人民", "自己", "自行", "结果", "自治区", "自治州", "省政府", "市政府", "县政府", "区政府", "办公厅", "办公室", "怎么", "怎样", "如何", "到", "办事处", "街道办", "人民政府", "政府", "街道", "那", "这", "截至", "截止", "提到", "提及",
)

#: A figure of what was published ("公示各类行政处罚案件信息31条") never counts the things of these groups
#: (31 is no number of 行政处罚 decisions) unless the question asks what was published too.
PUBLISHED_ACT: str = "发布"
NOT_COUNTED_BY_PUBLISHING: tuple[str, ...] = ("power", "remedy", "outcome")
#: What a statement of nothing also says: nothing received is nothing newly received.
IMPLIED_BY_ZERO: dict[str, str] = {"收到": "新收"}
#: Groups whose concepts only narrow a count (via 网站, by 网上申请): a fact that names one the question
#: does not is a part, not the whole — taken only when nothing closer is stated.  A fact naming a concept
#: of any other required group the question does not name counts another thing and never answers.
QUALIFIER_GROUPS: tuple[str, ...] = ("channel", "way", "media", "fresh", "other", "class")
#: Groups whose concepts may stand together in one subject without counting several things ("收到并办结").
FREE_GROUPS: tuple[str, ...] = ("act", "extent", "cumulative", "thing", "share", "scope")
#: A concept of the first group makes those of the others part of its phrase: "因依申请公开引发的行政复议"
#: counts 行政复议, "部分公开的申请" counts 部分公开.
#: A value "group:name" absorbs one concept: "网络申请信息公开" asks for disclosure, nobody 发布s anything.
ABSORBS: dict[str, tuple[str, ...]] = {"remedy": ("request",), "outcome": ("request",), "route": ("request",),
                                       "request": ("act:发布",), "way": ("act:发布",),
                                       "fee": ("act:发布", "request")}  # 政府信息公开信息处理费: nothing published
#: Separators of a list of things in a subject: the last item is what is counted, the others are
#: mentioned ("发布重要会议、政策解读及活动信息" counts 活动信息) …
LIST_SEPARATORS: tuple[str, ...] = ("、", "以及", "及(?!时)")  # regular expressions
#: … words that close a list of examples ("发布机构设置、工作动态等政府信息": what is counted follows 等) …
EXAMPLES_END: tuple[str, ...] = ("等",)
#: … and words around a cause ("因政府信息公开引发的行政复议": the cause is not what is counted).
CAUSE_OPEN: tuple[str, ...] = ("因为", "因", "由于", "涉及", "关于")
CAUSE_CLOSE: tuple[str, ...] = ("引发", "引起", "产生", "而")
#: How the names of agencies and regions end: what is left of one in a question (实验区 of 平潭综合实验区
#: 经济发展局) is dropped only when it ends so.
NAME_ENDINGS: tuple[str, ...] = ("区", "县", "市", "省", "州", "旗", "盟", "镇", "乡", "街道", "街", "局", "委", "办",
                                 "厅", "中心", "政府", "苏木", "村", "社区", "管委会", "管理委员会", "办事处")
#: Groups of concepts that go by a name printed before them ("长春e健康官方微信平台", "平度政务网"): that
#: name tells which one, not what is counted.
NAMED_GROUPS: tuple[str, ...] = ("channel", "media")
#: Words that open an adverbial of means, which runs up to the verb ("通过不同渠道和方式主动公开…").
MEANS_OPEN: tuple[str, ...] = ("通过", "依托", "利用", "借助", "经由", "运用", "采取", "采用")
#: Question words that ask for a change, to which a stated decrease is negative ("比上年减少3项" -> -3).
CHANGE_ASKED: tuple[str, ...] = ("变化", "增减", "变动")
#: Question words that ask for a figure; the unit after them says what kind (几场, 多少条, 多少万条).
ASK_WORDS: tuple[str, ...] = ("多少", "几")
#: Other words that ask for a figure ("主动公开信息总数？").
FIGURE_WORDS: tuple[str, ...] = ("总数", "数量", "数目", "总量", "总计", "合计")
#: Colloquial words for the template's words (还没审完 = 尚未审结): a question saying the first is read as
#: saying the second (the template's synonyms are in :mod:`store.template`).
WORD_ALIASES: dict[str, str] = {
    "还没审完": "尚未审结", "没审完": "尚未审结", "没有审结": "尚未审结", "还在审": "尚未审结",
    "政府采购": "政府集中采购", "采购了": "政府集中采购",
    "还没办完": "结转下年度", "没有办完": "结转下年度", "留到明年": "结转下年度", "转到下一年": "结转下年度",
    "告了": "行政诉讼", "被告": "行政诉讼", "打官司": "行政诉讼", "上法院": "行政诉讼",
}
#: Words that ask whether there was any ("有没有收到申请"): answered by the figure, and never read as the
#: negation (没有) of what is asked.
YES_NO_WORDS: tuple[str, ...] = ("有没有", "是不是", "是否有", "是否", "有无")
#: Words that ask for a share rather than a count (asked unit: %).
SHARE_WORDS: tuple[str, ...] = ("占比", "比例", "比重", "百分比", "百分之", "公开率", "率")


#: Families of units that never answer for each other (a share is no count, an amount of money no number
#: of items): a fact in one does not answer a question asking the other.
EXCLUSIVE_UNIT_FAMILIES: tuple[str, ...] = ("percent", "money", "time")


def unit_family(unit: str) -> str:
    """Units that count the same kind of thing: items (条/件/篇 …), events (次/场/期), people, money."""
    u = (unit or "").lstrip("万亿余")
    for family, members in UNIT_FAMILIES.items():
        if u in members:
            return family
    return u


UNIT_FAMILIES: dict[str, tuple[str, ...]] = {
    "matter": ("项",),
    "item": ("条", "件", "篇", "份", "个", "起", "宗", "例", "部", "封", "条次", "篇次", "件次", "张", "批",
             "类", "台", "所", "户", "家"),
    "event": ("次", "场", "场次", "期", "期次", "次数"),
    "person": ("名", "人", "人次", "位"),
    "money": ("元", "万元", "亿元", "余元"),
    "percent": ("%", "％", "个百分点"),
    "time": ("天", "个工作日"),
}
