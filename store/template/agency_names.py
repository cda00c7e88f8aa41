"""How reports name the agency that publishes them: word lists for reading agency names.

Data only; ``store.parse.agency`` reads it.  An agency name as reports print it is a chain of
places (省/市/区/县 …, checked against the gazetteer in ``store.regions``) followed by a body
(街道办事处, 镇人民政府, 交通运输局, 卫生健康委 …), e.g. 江岸区人民政府后湖街道办事处,
淮北市相山区西街道办事处, 国家税务总局广州市白云区税务局, 市发展改革委.
"""

from __future__ import annotations

#: How an agency name ends, longest first.  A candidate counts only when it ends in one of these
#: (or is a region standing for its government, see REGION_ENDINGS).
AGENCY_ENDINGS: tuple[str, ...] = (
    "街道办事处", "人民政府办公室", "人民政府办公厅", "管理委员会办公室", "管委会办公室",
    "政府办公室", "政府办公厅", "管理委员会", "人民政府", "办事处", "管委会", "委员会", "办公室", "办公厅",
    "政府办", "街道办", "总局", "分局", "街道", "街办", "政府", "苏木", "中心", "公署", "海关", "镇", "乡", "局",
    "委", "厅", "办", "署", "部", "所", "站", "队",
)

#: Endings that name a township-level body (the most specific kind of reporter).
TOWNSHIP_ENDINGS: tuple[str, ...] = ("街道办事处", "街道办", "街道", "街办", "办事处", "镇", "乡", "苏木")

#: Endings of a government as a whole (a county's or a town's 人民政府).
GOVERNMENT_ENDINGS: tuple[str, ...] = ("人民政府", "政府")

#: An office that compiles its body's report: "由两城镇人民政府党政办公室编制" is 两城镇人民政府's,
#: "由东湖县交通运输局办公室编制" is 东湖县交通运输局's.
COMPILING_OFFICES: tuple[str, ...] = ("党政综合办公室", "党政办公室", "综合办公室", "党政办", "办公室", "综合科",
                                      "办公科")

#: How a region that stands for its own government ends (句容市2022年…报告, 四川省2019年…报告,
#: 平潭综合实验区2024年度…报告).
REGION_ENDINGS: tuple[str, ...] = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "综合实验区", "开发区", "实验区", "示范区", "试验区",
    "新区", "地区", "林区", "省", "市", "区", "县", "旗", "盟",
)

#: Shortened forms of a body that stand for the whole name (白云街 for 白云街道).
SHORT_TOWNSHIP_ENDINGS: tuple[str, ...] = ("街",)

#: Words of a sentence, never of a name: a candidate holding one is cut after it
#: ("现将海城市西四镇" → 海城市西四镇) or dropped.
SENTENCE_WORDS: tuple[str, ...] = (
    "现将", "现公布", "现公开", "现予", "予以公布", "特向", "社会公布", "向社会", "根据", "依据", "按照", "依照",
    "请与", "请联系", "联系", "包括", "本年", "本报告", "报告", "年度", "年报", "关于", "汇总", "结合",
    "通过", "以及", "坚持", "认真", "贯彻", "落实", "领导下", "依托", "围绕", "主动公开", "要求", "规定",
    "工作", "情况", "如对", "疑问", "电子版", "下载", "网站", "门户", "地址", "电话", "邮编", "现就",
    "全年", "今年", "一年", "以来", "期间", "截至", "本单位", "本机关", "发布", "来源", "首页",
    "当前位置", "所在位置", "浏览", "访问", "字号", "分享", "打印", "索引", "文号", "日期", "时间",
    "积极", "推动", "做好", "开展", "加强", "深化", "不断", "持续", "进一步", "切实", "扎实", "全面",
)

#: How a report refers to its own agency.  The value is the kind of body it means.
SELF_REFERENCES: dict[str, str] = {
    "我街道": "街道", "本街道": "街道", "我街": "街道", "我镇": "镇", "本镇": "镇", "我乡": "乡", "本乡": "乡",
    "我县": "县", "本县": "县", "我区": "区", "本区": "区", "我市": "市", "本市": "市", "我旗": "旗", "我省": "省",
    "我局": "局", "本局": "局", "我委": "委", "本委": "委", "我办": "办", "本办": "办", "我厅": "厅", "本厅": "厅",
    "我中心": "中心", "本中心": "中心", "我署": "署", "我部": "部",
}

#: The endings of a department that a self-reference means: 我委 is a …委 or a …委员会.
SELF_REFERENCE_ENDINGS: dict[str, tuple[str, ...]] = {
    "局": ("局",), "委": ("委", "委员会"), "办": ("办", "办公室", "办公厅"), "厅": ("厅",), "中心": ("中心",),
    "署": ("署",), "部": ("部",),
}

#: The body a self-reference to a region means: 我县 is the county's 人民政府.
REGION_SELF_BODIES: dict[str, str] = {"县": "人民政府", "区": "人民政府", "市": "人民政府", "旗": "人民政府",
                                      "镇": "人民政府", "乡": "人民政府", "省": "人民政府"}

#: Verbs that introduce the report and its agency: "现公布桐梓县人民政府2023年…报告".
PUBLISH_VERBS: tuple[str, ...] = ("现将", "现公布", "现公开", "现予公布", "特向社会公布", "特向社会公开",
                                  "向社会公布", "现发布", "公布", "公开")

#: Verbs after which the compiler is named: "本报告由郑州市上街区中心路街道办事处…编制".
COMPILE_VERBS: tuple[str, ...] = ("编制", "制作", "汇编", "发布", "编写")

#: Page furniture that labels the publisher of a page: "发布机构 建水县面甸镇人民政府", "来源:杨柳镇人民政府".
PUBLISHER_LABELS: tuple[str, ...] = ("发布机构", "发文机关", "发文单位", "发布单位", "信息来源", "来源", "发布者",
                                     "主办单位", "作者")

#: HTML meta tags that hold a page's title or its publisher.
META_TITLE_TAGS: tuple[str, ...] = ("articletitle", "title", "og:title", "dc.title")
META_PUBLISHER_TAGS: tuple[str, ...] = ("contentsource", "author", "dc.creator", "publisher", "sitename")

#: Words no government body's name holds: what mirror sites inject (gambling, betting, web ads).
#: A name part holding one, or holding Latin letters or digits, is not a place or a body.
SPAM_WORDS: tuple[str, ...] = (
    "博彩", "赌", "彩票", "彩金", "投注", "下注", "开奖", "棋牌", "娱乐城", "娱乐场", "真人", "电竞", "直播",
    "官网", "网址", "备用", "app", "APP", "下载", "注册", "首存", "返水", "优惠", "图库", "资料大全", "大全",
    "澳门", "香港", "金沙", "葡京", "威尼斯人", "新濠", "永利", "太阳城", "皇冠", "六合", "百家乐", "老虎机",
    "捕鱼", "体育投注", "体育平台", "平台", "网站", "官方", "入口", "免费",
)

#: Words an ad puts right after a spam word ("皇冠体育", "太阳城集团", "新葡京娱乐"): spam only there (体育局 is a
#: body), so a name cut after the spam word loses them too.
SPAM_FOLLOWERS: tuple[str, ...] = ("体育", "娱乐", "集团", "国际", "在线", "游戏", "电子", "登录", "手机版", "网页版",
                                   "注册", "网投", "足球", "篮球", "赛事", "彩", "城")

#: Words of a web page's navigation, never part of a title's agency name.
NAVIGATION_WORDS: tuple[str, ...] = ("首页", "当前位置", "您的位置", "所在位置", "网站导航", "政务公开", "信息公开目录",
                                     "政府信息公开年报", "信息公开年报", "正文", "稿件页")

#: How a name that is no particular body begins: 各级人民政府, 上级政府, 县委, 区属… (dropped unless a
#: known place follows, 全州县 being a county).
GENERIC_STARTS: tuple[str, ...] = (
    "各", "全", "本", "该", "上级", "下级", "同级", "相关", "有关", "其他", "其它", "所属", "下属", "各级", "乡镇", "镇村",
    "村", "社区", "党委", "党组", "区委", "县委", "市委", "省委", "县政府", "区政府", "市政府", "省政府", "镇政府",
    "乡政府", "街道办", "两办", "政府", "人民政府", "门户",
)

#: Function words a candidate may begin with that no name begins with ("由郑州市…" → 郑州市…), dropped
#: unless a known place begins there (和平区).
LEADING_FUNCTION_CHARS: str = "由将对向经是为请与及以把被即从在"

#: Characters never inside a name: a name run stops at them.
NAME_STOP_CHARS: str = "的了"

#: What follows the agency when a sentence opens with the year: "2021年，后湖街道办事处认真贯彻……",
#: "2025年，新开河街道党工委、办事处坚持……".
SUBJECT_FOLLOWERS: tuple[str, ...] = (
    "坚持", "认真", "严格", "深入", "以习近平", "按照", "根据", "全面", "紧紧", "始终", "进一步", "围绕", "持续", "不断",
    "高度", "继续", "扎实", "积极", "切实", "聚焦", "依托", "通过", "共", "全年", "累计", "主动", "在", "立足", "结合",
    "牢固", "坚决", "着力", "强化", "加强", "大力", "依法", "对照", "贯彻", "政府信息公开", "政务公开", "信息公开", "未",
    "没有", "无", "收到", "受理", "公开", "发布", "编制", "以", "推动", "推进", "党工委", "党委", "党政", "工委", "把",
    "将", "对", "秉持", "及时", "注重", "紧扣", "紧密", "健全", "规范", "主要", "一是", "重视",
)

#: Words before a contact: "如对本报告有疑问，请与两城镇人民政府党政办公室联系".
CONTACT_WORDS: tuple[str, ...] = ("请与", "请联系", "可与", "联系单位")

#: A site named after its place's short name: "本报告全文在松阳政府网公布" (松阳县).
SITE_WORDS: tuple[str, ...] = ("政府网", "政务网", "门户网站", "政府门户")

#: The words of a report title after the agency and year: 政府信息公开工作年度报告, 政府信息公开年度工作报告,
#: 政务信息公开年报, 政府信息工作年度报告 (公开 lost), 政府信息公开工作2022年度报告 (the year inside).
REPORT_TITLE: str = (r"(?:政府|政务)?信息(?:公开)?(?:工作)?(?:情况)?(?:的)?(?:\s*20\d{2}\s*年\s*度)?(?:年度)?"
                     r"(?:工作)?(?:的)?(?:报告|年报)")

#: What follows an agency named together with the report: "X2023年政府信息公开工作年度报告",
#: "X政务信息公开工作实际", "X的政务公开年度报告".
REPORT_AFTER_NAME: str = (r"(?:的)?\s*(?:政府|政务)?(?:信息)?公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报|情况|工作)")
