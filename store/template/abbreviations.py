"""How people name agencies: department abbreviations, the words of a region's own government,
region suffixes, and characters that are misread or mistyped for one another.

Everything here is data read by :mod:`bot.agencies`; nothing in the bot spells these words again.

``ABBREVIATIONS`` maps what people write to the name parts it stands for, as they occur inside
agency names: 垫江县应急局 finds 垫江县应急管理局 because 应急局 stands for 应急管理局.  A part
may be stood for by several abbreviations (卫健委, 卫健局) and an abbreviation may stand for
several parts (教育局 for 教育局, 教育和体育局, 教育体育局).
"""

from __future__ import annotations

#: abbreviation -> the name parts it stands for (longest first is not required).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    # a region's government and its general office
    "政府办": ("人民政府办公室", "政府办公室"),
    "府办": ("人民政府办公室", "政府办公室"),
    "政府办公室": ("人民政府办公室",),
    "政府办公厅": ("人民政府办公厅",),
    "办公厅": ("人民政府办公厅",),
    "政府": ("人民政府",),
    "管委办": ("管委会办公室", "管理委员会办公室"),
    "管委会办": ("管委会办公室", "管理委员会办公室"),
    "管委会": ("管理委员会",),
    "街办": ("街道办事处",),
    "街道办": ("街道办事处",),
    # departments
    "科委": ("科学技术委员会", "科技委员会"),
    "科技局": ("科学技术局",),
    "卫健委": ("卫生健康委员会", "卫生和健康委员会", "卫生健康委"),
    "卫健局": ("卫生健康局", "卫生和健康局"),
    "卫生健康委": ("卫生健康委员会",),
    "卫计委": ("卫生和计划生育委员会", "卫生计生委员会"),
    "卫计局": ("卫生和计划生育局", "卫生计生局"),
    "发改委": ("发展和改革委员会", "发展改革委员会", "发展改革委"),
    "发展改革委": ("发展和改革委员会", "发展改革委员会"),
    "发改局": ("发展和改革局", "发展改革局"),
    "住建局": ("住房和城乡建设局", "住房城乡建设局"),
    "住建委": ("住房和城乡建设委员会", "住房城乡建设委员会"),
    "住建厅": ("住房和城乡建设厅", "住房城乡建设厅"),
    "城乡建设局": ("住房和城乡建设局",),
    "人社局": ("人力资源和社会保障局", "人力资源社会保障局"),
    "人社厅": ("人力资源和社会保障厅", "人力资源社会保障厅"),
    "市监局": ("市场监督管理局",),
    "市场监管局": ("市场监督管理局",),
    "市场局": ("市场监督管理局",),
    "环保局": ("生态环境局", "环境保护局"),
    "环境局": ("生态环境局",),
    "环保厅": ("生态环境厅", "环境保护厅"),
    "自然资源局": ("自然资源和规划局",),
    "规划局": ("自然资源和规划局", "规划和自然资源局"),
    "国土局": ("国土资源局",),
    "医保局": ("医疗保障局",),
    "审批局": ("行政审批局", "行政审批服务局"),
    "行政审批局": ("行政审批服务局",),
    "城管局": ("城市管理局", "城市管理综合执法局", "城市管理和综合执法局", "城市管理综合行政执法局"),
    "综合执法局": ("综合行政执法局", "城市管理综合执法局", "城市管理综合行政执法局"),
    "执法局": ("综合行政执法局", "城市管理综合执法局"),
    "交通局": ("交通运输局",),
    "交通厅": ("交通运输厅",),
    "交委": ("交通运输委员会", "交通委员会"),
    "教育局": ("教育和体育局", "教育体育局"),
    "教体局": ("教育和体育局", "教育体育局"),
    "教科局": ("教育和科学技术局", "教育科学技术局", "教育科技局"),
    "教委": ("教育委员会",),
    "公安": ("公安局",),
    "公安分局": ("公安局",),
    "信访办": ("信访局",),
    "财政局": ("财政金融局",),
    "财金局": ("财政金融局",),
    "应急局": ("应急管理局",),
    "应急厅": ("应急管理厅",),
    "经发局": ("经济发展局",),
    "经信局": ("经济和信息化局", "经济信息化局"),
    "工信局": ("工业和信息化局", "工业信息化局"),
    "国资局": ("国有资产管理局", "国有资产监督管理局"),
    "国资委": ("国有资产监督管理委员会",),
    "民宗局": ("民族宗教事务局", "民族和宗教事务局"),
    "文旅局": ("文化和旅游局", "文化旅游局", "文化广电和旅游局", "文化广电旅游局"),
    "文广旅局": ("文化广电和旅游局", "文化广电旅游局"),
    "农业局": ("农业农村局",),
    "农委": ("农业委员会", "农业农村委员会"),
    "水务局": ("水利局",),
    "林业局": ("林业和草原局",),
    "林草局": ("林业和草原局",),
    "退役军人局": ("退役军人事务局",),
    "大数据局": ("大数据管理局", "大数据发展管理局", "大数据资源管理局"),
    "数据局": ("数据资源管理局", "大数据管理局", "数据管理局"),
    "政数局": ("政务服务数据管理局", "政务服务和数据管理局"),
    "政务中心": ("政务服务中心",),
    "机关事务局": ("机关事务管理局",),
    "粮食局": ("粮食和物资储备局",),
    "社事局": ("社会事业局",),
    "残联": ("残疾人联合会",),
    "人防办": ("人民防空办公室",),
    "侨办": ("侨务办公室",),
    "外办": ("外事办公室",),
    "税务": ("税务局",),
    "自规局": ("自然资源和规划局",),
    "自然资源规划局": ("自然资源和规划局",),
}

#: Abbreviations of parts of a region's name (郑州高新区 for 郑州高新技术产业开发区).
REGION_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "高新区": ("高新技术产业开发区", "高新技术开发区"),
    "经开区": ("经济技术开发区", "经济开发区"),
    "实验区": ("综合实验区",),
}

#: Abbreviations that name a department only right after its region (平潭公安, 临夏公安): on their
#: own they are too common a word to be a name.
NEEDS_REGION: tuple[str, ...] = ("公安", "政府办", "府办", "政府办公室", "人民政府办公室", "办公室", "税务")

#: Words that open a department's name for the government it belongs to (郑州高新区管委会城市管理局,
#: 江岸区人民政府后湖街道办事处): the name without them is what people say.
GOVERNMENT_PREFIXES: tuple[str, ...] = ("人民政府", "政府", "管理委员会", "管委会")

#: A name's first character that stands for its own level (市发改委 = this city's 发改委).
LEVEL_CHARACTERS = "省市区县州"
#: Words that begin with such a character and are no level (市场监督管理局, 市政, 区域).
NOT_LEVEL_WORDS: tuple[str, ...] = ("市场", "市政", "市容", "市民", "区域", "县域", "省级", "州府")

#: What a region's own government is called, in the order a region named alone prefers them:
#: the region's government itself, then its general office (where that is who reports).
GOVERNMENT_WORDS: tuple[str, ...] = (
    "", "人民政府", "政府", "管理委员会", "管委会",
    "人民政府办公室", "政府办公室", "人民政府办公厅", "政府办公厅", "管委会办公室", "管理委员会办公室",
)

#: Suffixes of a region's name, longest first; the name without one is what people say
#: (宁夏回族自治区 -> 宁夏, 平潭综合实验区 -> 平潭).  A regex, so that the nationality words of
#: autonomous regions go too.
REGION_SUFFIX_PATTERN = (
    r"(?:(?:[\u4e00-\u9fff]{1,3}族)+自治(?:区|州|县|旗)|维吾尔自治区|自治(?:区|州|县|旗)|"
    r"综合实验区|经济技术开发区|高新技术产业开发区|经济开发区|开发区|高新区|新区|实验区|"
    r"特别行政区|地区|林区|特区|省|市|区|县|州|旗|盟)$"
)

#: Suffixes that make a region, used to find the region a name starts with (江岸区教育局).
REGION_TOKEN_SUFFIXES: tuple[str, ...] = (
    "综合实验区", "经济技术开发区", "高新技术产业开发区", "经济开发区", "开发区", "高新区", "新区",
    "自治区", "自治州", "自治县", "自治旗", "特别行政区", "地区", "林区",
    "省", "市", "区", "县", "州", "旗", "盟",
)

#: Long region suffixes that people shorten to 区 (平潭综合实验区 -> 平潭区).
SHORTENED_TO_DISTRICT: tuple[str, ...] = ("综合实验区", "经济技术开发区", "高新技术产业开发区", "经济开发区", "开发区",
                                          "高新区", "新区", "实验区")

#: Words that end a department's name (教育局, 卫生健康委员会): a phrase ending so names an agency.
DEPARTMENT_ENDINGS: tuple[str, ...] = ("委员会", "办公室", "办公厅", "局", "委", "办", "中心", "厅", "署", "院", "所",
                                       "处", "政府")
#: Words that end the name of a street, town or township (后湖街道, 新铺镇).
PLACE_ENDINGS: tuple[str, ...] = ("街道", "镇", "乡", "苏木")
#: Characters that end a region's name (江岸区, 垫江县, 武汉市).
REGION_ENDINGS: tuple[str, ...] = ("省", "市", "区", "县", "州", "旗")

#: Words of a question that may start with the last character of a name (新开河街道办理…, 府办结…): a name
#: read from a question never ends inside one of them; the shorter name before it is meant.
WORDS_ACROSS_NAME_END: tuple[str, ...] = ("办理", "办结", "办件")

#: Characters that OCR or a hurried reader confuses (未/末, 己/已): read as one another only when
#: the rest of a name matches exactly.
LOOKALIKE_CHARACTERS: tuple[str, ...] = (
    "未末", "己已巳", "士土", "日曰", "戊戌戍", "人入", "大太犬", "王玉", "千干于", "天夭", "今令", "贝见",
    "叉又", "刀力", "兔免", "析折", "拔拨", "侯候", "衮哀", "辩辨辫", "壁璧", "崇祟", "汩汨", "淮准",
    "洲州", "沽洁", "杨扬", "瀛嬴", "泾经", "栖棲",
)

#: The words of the template people mistype by sound (信息工开 for 信息公开, 行政复意 for 行政复议): a
#: question's two characters that sound like one of them and share a character with it are read as it
#: (never inside an agency's name, and the reply says how it was read).
FIGURE_WORDS_READ_BY_SOUND: tuple[str, ...] = (
    "公开", "申请", "复议", "诉讼", "行政", "信息", "政府", "许可", "处罚", "强制", "办结", "受理", "答复",
    "结转", "驳回", "纠正", "维持", "收费", "规范", "文件", "解读",
)

