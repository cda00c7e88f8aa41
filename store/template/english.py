"""English words people use in questions, and the Chinese words of the template they stand for.

An English question ("How many requests did 后湖街道 receive in 2021?", "How many lawsuits did
Xigang subdistrict face in 2022?") is read by replacing these phrases with the Chinese words the
template's synonyms know, and agency names written in pinyin with the Chinese names on file
(:mod:`bot.english`).  Phrases are matched as whole words, case-insensitively, longest first.
"""

from __future__ import annotations

#: English phrase -> a Chinese word of the template's synonyms (or a question word the parser knows).
FIGURE_PHRASES: dict[str, str] = {
    # section 三: applications
    "information disclosure requests": "申请", "disclosure requests": "申请", "information requests": "申请",
    "foi requests": "申请", "requests": "申请", "request": "申请", "applications": "申请", "application": "申请",
    "new requests": "新收申请", "new applications": "新收申请",
    "received": "收到", "receive": "收到", "receives": "收到", "got": "收到", "get": "收到",
    "carried over from last year": "上年结转", "carried over from the previous year": "上年结转",
    "carried over": "上年结转", "carried forward to next year": "结转下年度", "carried forward": "结转下年度",
    "still pending": "结转下年度",
    "granted in full": "予以公开", "fully disclosed": "予以公开", "disclosed in full": "予以公开", "granted": "予以公开",
    "partially disclosed": "部分公开", "partly disclosed": "部分公开", "partial disclosure": "部分公开",
    "partially granted": "部分公开",
    "refused": "不予公开", "denied": "不予公开", "withheld": "不予公开", "not disclosed": "不予公开",
    "could not be provided": "无法提供", "unable to provide": "无法提供", "not held": "本机关不掌握",
    "not processed": "不予处理", "rejected": "不予处理",
    "completed": "办结", "closed": "办结", "answered": "办结", "handled": "办结", "processed": "办结",
    "state secrets": "国家秘密", "third party": "第三方", "third-party": "第三方", "duplicate": "重复申请",
    "repeated requests": "重复申请",
    # applicants
    "individuals": "自然人", "individual": "自然人", "citizens": "自然人", "natural persons": "自然人",
    "companies": "企业", "businesses": "企业", "enterprises": "企业", "firms": "企业",
    "research institutions": "科研机构", "researchers": "科研机构", "universities": "科研机构",
    "ngos": "社会公益组织", "nonprofits": "社会公益组织", "non-profits": "社会公益组织",
    "law firms": "律师", "lawyers": "律师", "legal service agencies": "法律服务机构",
    # section 四
    "administrative reconsiderations": "行政复议", "administrative reconsideration": "行政复议",
    "reconsiderations": "行政复议", "reconsideration": "行政复议", "appeals": "行政复议", "appeal": "行政复议",
    "administrative lawsuits": "行政诉讼", "administrative litigation": "行政诉讼", "lawsuits": "行政诉讼",
    "lawsuit": "行政诉讼", "litigation": "行政诉讼", "court cases": "行政诉讼", "suits": "行政诉讼", "sued": "被起诉",
    "upheld": "维持", "corrected": "纠正", "overturned": "纠正", "pending": "尚未审结",
    # section 二
    "administrative licenses": "行政许可", "administrative licences": "行政许可", "licenses": "行政许可",
    "licences": "行政许可", "licensing decisions": "行政许可", "licensing": "行政许可", "permits": "行政许可",
    "administrative penalties": "行政处罚", "penalties": "行政处罚", "penalty decisions": "行政处罚",
    "punishments": "行政处罚", "fines": "行政处罚",
    "coercive measures": "行政强制", "administrative coercion": "行政强制", "enforcement measures": "行政强制",
    "fees": "行政事业性收费", "charges": "行政事业性收费",
    "procurement": "政府集中采购", "regulations": "规章", "rules": "规章",
    "normative documents": "规范性文件", "regulatory documents": "规范性文件",
    "in force": "现行有效", "issued": "制发", "repealed": "废止",
    # ratios and the narrative
    "disclosure rate": "公开率", "open rate": "公开率", "correction rate": "纠错率",
    "proactively disclosed": "主动公开", "proactive disclosure": "主动公开", "published proactively": "主动公开",
    "pieces of information": "信息", "items of information": "信息",
}

#: English question words -> Chinese question words the parser knows.
QUESTION_PHRASES: dict[str, str] = {
    "how many": "多少", "how much": "多少", "what was": "多少", "what is": "多少", "number of": "多少",
    "compared with": "对比", "compared to": "对比", "compare": "对比", "versus": "对比", "vs": "对比",
    "more than": "比", "fewer than": "比", "less than": "比",
    "the most": "最多", "most": "最多", "highest": "最高", "largest": "最多", "top": "排名",
    "the fewest": "最少", "fewest": "最少", "least": "最少", "lowest": "最低",
    "ranking": "排名", "rank": "排名",
    "trend": "趋势", "over the years": "历年", "every year": "每年", "each year": "每年", "per year": "每年",
    "in total": "合计", "altogether": "合计", "combined": "合计", "total": "合计",
    "last year": "去年", "this year": "今年", "latest": "最新",
    "overview": "概况", "summary": "概况",
    "which year": "哪一年", "in which year": "哪一年", "what year": "哪一年",
    "which agencies": "有哪些单位", "what agencies": "有哪些单位", "which units": "有哪些单位",
    "and": "和",
}

#: English words for what kind of agency or place a name is -> the Chinese word after the name.
PLACE_WORDS: dict[str, str] = {
    "subdistricts": "各街道", "sub-districts": "各街道", "towns": "各镇", "townships": "各乡",
    "agencies": "各单位", "departments": "各部门",
    "subdistrict office": "街道办事处", "sub-district office": "街道办事处", "subdistrict": "街道",
    "sub-district": "街道", "street": "街道", "jiedao": "街道",
    "town": "镇", "township": "乡", "county": "县", "district": "区", "city": "市", "province": "省",
    "people's government": "人民政府", "peoples government": "人民政府", "government": "人民政府",
    "general office": "人民政府办公室", "government office": "人民政府办公室",
    "education bureau": "教育局", "public security bureau": "公安局", "police": "公安局",
    "emergency management bureau": "应急管理局", "finance bureau": "财政局",
    "transport bureau": "交通运输局", "transportation bureau": "交通运输局",
    "health commission": "卫生健康委员会", "housing and urban-rural development bureau": "住房和城乡建设局",
    "housing bureau": "住房和城乡建设局", "market supervision bureau": "市场监督管理局",
    "market regulation bureau": "市场监督管理局", "ecology and environment bureau": "生态环境局",
    "environment bureau": "生态环境局", "natural resources bureau": "自然资源局",
    "medical security bureau": "医疗保障局", "administrative approval bureau": "行政审批局",
    "human resources and social security bureau": "人力资源和社会保障局",
    "development and reform commission": "发展和改革委员会", "audit bureau": "审计局",
    "letters and visits bureau": "信访局", "petition bureau": "信访局",
    "science and technology commission": "科学技术委员会", "urban management bureau": "城市管理局",
    "social affairs bureau": "社会事业局", "social undertakings bureau": "社会事业局",
    "economic development bureau": "经济发展局", "finance and financial affairs bureau": "财政金融局",
    "state-owned assets bureau": "国有资产管理局", "state assets bureau": "国有资产管理局",
    "civil affairs bureau": "民政局", "justice bureau": "司法局", "bureau of justice": "司法局",
    "agriculture and rural affairs bureau": "农业农村局", "agriculture bureau": "农业农村局",
    "water resources bureau": "水利局", "water conservancy bureau": "水利局",
    "culture and tourism bureau": "文化和旅游局", "statistics bureau": "统计局", "tax bureau": "税务局",
    "taxation bureau": "税务局", "commerce bureau": "商务局", "forestry bureau": "林业局",
    "veterans affairs bureau": "退役军人事务局", "big data bureau": "大数据管理局",
    "industry and information technology bureau": "工业和信息化局", "science and technology bureau": "科学技术局",
    "sports bureau": "体育局", "ethnic and religious affairs bureau": "民族宗教事务局",
    "health bureau": "卫生健康局", "education and sports bureau": "教育和体育局",
    "natural resources and planning bureau": "自然资源和规划局", "planning bureau": "自然资源和规划局",
    "government services center": "政务服务中心", "government service center": "政务服务中心",
    "management committee office": "管委会办公室", "management committee": "管委会",
    "administrative committee": "管委会",
    "education department": "教育厅", "department of education": "教育厅", "transport department": "交通运输厅",
    "department of transport": "交通运输厅", "emergency management department": "应急管理厅",
    "ministry of natural resources": "自然资源部", "ministry of emergency management": "应急管理部",
    "bureau": "局", "commission": "委员会", "committee": "委员会", "office": "办公室", "department": "厅",
    "ministry": "部", "center": "中心", "centre": "中心",
}

#: Place words that only end a department's name: the words before them must be understood, or the
#: agency is not (the "Social Affairs Bureau" of 平潭 is never 平潭's government).
DEPARTMENT_WORDS: tuple[str, ...] = ("bureau", "commission", "committee", "office", "department", "ministry",
                                     "center", "centre", "administration", "agency")

#: Words that carry no meaning for the question (dropped after the phrases above are read).
FILLER_WORDS: tuple[str, ...] = (
    "did", "does", "do", "was", "were", "is", "are", "the", "a", "an", "of", "in", "for", "by", "to", "from",
    "face", "faced", "have", "has", "had", "there", "many", "much", "what", "which", "who", "receive",
    "please", "tell", "me", "with", "its", "it", "on", "at", "that", "this", "year", "during",
    "show", "give", "report", "reports", "s", "their", "all", "any",
)
