"""Seeded generators of realistic Chinese demo vocabulary.

Demo data, tests and benchmarks need names, codes and texts that look like a real district's,
and the same ones every run: every generator takes a ``random.Random`` and never touches the
global one. Organisation and firm names are invented unless a comment says otherwise.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from .identifiers import USCC_ALPHABET, make_id_number, make_uscc

__all__ = [
    "CORE_ISSUE_CATEGORIES",
    "ENTERPRISE_INDUSTRIES",
    "ENTERPRISE_SIZE_WEIGHTS",
    "GIVEN_NAME_PINYIN",
    "ISSUE_TEMPLATES",
    "LONGGANG_SUBDISTRICTS",
    "PLUGIN_ISSUE_CATEGORIES",
    "SURNAME_PINYIN",
    "SUYU_SUBDISTRICTS",
    "agency_names",
    "bank_names",
    "broker_names",
    "building_name",
    "commitment_text",
    "community_name",
    "compound_name",
    "enterprise",
    "grid_name",
    "id_number",
    "insurer_names",
    "issue_text",
    "law_firm_names",
    "meeting_topic",
    "person_name",
    "phone",
    "pinyin_login",
    "property_company_name",
    "requester_name",
]

# ---------------------------------------------------------------------------------------------
# People

# surname:pinyin:weight — weights are approximate shares of the population in hundredths of a
# percent (national surname rankings), enough to make 王, 李 and 张 dominate as they do.
_SURNAME_TABLE = """
王:wang:734 李:li:720 张:zhang:684 刘:liu:552 陈:chen:454 杨:yang:320 黄:huang:229 赵:zhao:219
吴:wu:206 周:zhou:200 徐:xu:134 孙:sun:130 马:ma:124 朱:zhu:120 胡:hu:116 郭:guo:115 何:he:109
高:gao:98 林:lin:97 罗:luo:96 郑:zheng:88 梁:liang:87 谢:xie:73 宋:song:65 唐:tang:64 许:xu:62
韩:han:61 冯:feng:60 邓:deng:58 曹:cao:57 彭:peng:55 曾:zeng:54 肖:xiao:53 田:tian:52 董:dong:51
袁:yuan:50 潘:pan:49 于:yu:48 蒋:jiang:47 蔡:cai:46 余:yu:45 杜:du:44 叶:ye:43 程:cheng:42
苏:su:41 魏:wei:40 吕:lv:39 丁:ding:38 任:ren:37 沈:shen:36 姚:yao:35 卢:lu:34 姜:jiang:33
崔:cui:32 钟:zhong:31 谭:tan:30 陆:lu:29 汪:wang:28 范:fan:27 金:jin:26 石:shi:25 廖:liao:25
贾:jia:24 夏:xia:24 韦:wei:23 付:fu:23 方:fang:22 白:bai:22 邹:zou:21 孟:meng:21 熊:xiong:20
秦:qin:20 邱:qiu:20 江:jiang:19 尹:yin:19 薛:xue:18 闫:yan:18 段:duan:18 雷:lei:17 侯:hou:17
龙:long:17 史:shi:16 陶:tao:16 黎:li:16 贺:he:15 顾:gu:15 毛:mao:15 郝:hao:14 龚:gong:14
邵:shao:14 万:wan:13 钱:qian:13 严:yan:13 覃:qin:12 武:wu:12 戴:dai:12 莫:mo:11 孔:kong:11
向:xiang:11 汤:tang:10
"""

# Common given-name characters with one reading each (polyphonic ones such as 乐, 长, 重 are
# left out so that the login derived from a name is unambiguous).
_GIVEN_TABLE = """
伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 艳:yan 杰:jie
娟:juan 涛:tao 明:ming 超:chao 秀:xiu 霞:xia 平:ping 刚:gang 桂:gui 英:ying 华:hua 玉:yu 兰:lan
文:wen 建:jian 国:guo 志:zhi 海:hai 红:hong 辉:hui 小:xiao 晓:xiao 春:chun 梅:mei 林:lin 玲:ling
燕:yan 宇:yu 浩:hao 鹏:peng 飞:fei 斌:bin 峰:feng 波:bo 晨:chen 欣:xin 婷:ting 雪:xue 琳:lin
颖:ying 慧:hui 佳:jia 怡:yi 思:si 子:zi 梓:zi 涵:han 轩:xuan 睿:rui 博:bo 俊:jun 凯:kai 鑫:xin
昊:hao 天:tian 然:ran 欢:huan 嘉:jia 琪:qi 瑶:yao 萱:xuan 雨:yu 诗:shi 雅:ya 梦:meng 婉:wan
倩:qian 蕾:lei 薇:wei 岚:lan 莉:li 萍:ping 凤:feng 金:jin 荣:rong 成:cheng 德:de 福:fu 生:sheng
祥:xiang 安:an 永:yong 忠:zhong 宏:hong 庆:qing 东:dong 新:xin 光:guang 亮:liang 立:li 正:zheng
民:min 卫:wei 振:zhen 兵:bing 健:jian 彬:bin 毅:yi 泽:ze 豪:hao 铭:ming 宁:ning 坤:kun 伦:lun
锋:feng 森:sen 松:song 龙:long 丹:dan 青:qing 云:yun 晶:jing 璐:lu 露:lu 菲:fei 月:yue 悦:yue
楠:nan 妍:yan 可:ke 心:xin 一:yi 家:jia 佩:pei 淑:shu 珍:zhen 翠:cui 琴:qin 美:mei 惠:hui 爱:ai
莲:lian 芬:fen 凡:fan 帆:fan 航:hang 旭:xu 阳:yang 瑞:rui 卓:zhuo 逸:yi 哲:zhe 晗:han 冰:bing
清:qing 娇:jiao 蓉:rong 芸:yun 婧:jing 媛:yuan 洁:jie 虹:hong 彤:tong 琦:qi 世:shi 宝:bao 喜:xi
贵:gui 富:fu 顺:shun 进:jin 秋:qiu 武:wu 利:li 学:xue 继:ji 仁:ren 义:yi 智:zhi 信:xin
"""


def _parse_surnames(table: str) -> tuple[dict[str, str], tuple[str, ...], tuple[int, ...]]:
    pinyin: dict[str, str] = {}
    weights: list[int] = []
    for token in table.split():
        char, sound, weight = token.split(":")
        pinyin[char] = sound
        weights.append(int(weight))
    return pinyin, tuple(pinyin), tuple(weights)


SURNAME_PINYIN, _SURNAMES, _SURNAME_WEIGHTS = _parse_surnames(_SURNAME_TABLE)
GIVEN_NAME_PINYIN: dict[str, str] = dict(t.split(":") for t in _GIVEN_TABLE.split())
_GIVEN_CHARS = tuple(GIVEN_NAME_PINYIN)

_LOGIN_MAX = 64
_HONORIFICS = ("先生", "女士", "阿姨", "大爷", "师傅", "大姐", "老师")


def person_name(rng: random.Random) -> str:
    """A Chinese full name: a frequency-weighted surname and a one- or two-character given name."""
    surname = rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    size = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(_GIVEN_CHARS) for _ in range(size))


def _login_base(name: str) -> str:
    name = name.strip()
    if not name:
        return "user"
    surname = SURNAME_PINYIN.get(name[0]) or GIVEN_NAME_PINYIN.get(name[0], "")
    sounds = [GIVEN_NAME_PINYIN.get(c) or SURNAME_PINYIN.get(c, "") for c in name[1:]]
    sounds = [s for s in sounds if s]
    if len(sounds) == 1:
        given = sounds[0]  # 王伟 → wangwei reads better than wangw
    else:
        given = "".join(s[0] for s in sounds)  # 王小明 → wangxm
    base = (surname + given) or "user"
    return base if len(base) >= 2 else base + "0"


def pinyin_login(name: str, rng: random.Random, taken: set[str]) -> str:
    """A unique lowercase login from a name (王小明 → ``wangxm``), with digits on collision.

    The result matches ``^[a-z0-9][a-z0-9_.-]{1,63}$`` and is added to ``taken``. Characters
    missing from the pinyin tables are skipped; a name with none known becomes ``user…``.
    """
    base = _login_base(name)[: _LOGIN_MAX - 8]
    login = base
    width, misses = 2, 0
    while login in taken:
        login = f"{base}{rng.randrange(10 ** (width - 1), 10**width)}"
        misses += 1
        if misses % 10 == 0:
            width += 1
    taken.add(login)
    return login


# Real mainland mobile number-segment prefixes (all of the form 1[3-9]x).
_MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 145 147 150 151 152 153 155 156 157 158 159 "
    "162 165 166 167 170 171 172 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 "
    "190 191 192 193 195 196 197 198 199"
).split()


def phone(rng: random.Random) -> str:
    """A mainland mobile number, 11 digits starting 1[3-9]."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


_BIRTH_FIRST = dt.date(1950, 1, 1)
_BIRTH_DAYS = (dt.date(2004, 12, 31) - _BIRTH_FIRST).days


def id_number(rng: random.Random, region: str = "440307") -> str:
    """A valid 18-digit resident ID number for ``region`` (default Longgang), born 1950–2004."""
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"region must be a 6-digit division code, got {region!r}")
    birth = _BIRTH_FIRST + dt.timedelta(days=rng.randrange(_BIRTH_DAYS + 1))
    return make_id_number(region, birth, rng.randrange(1000))


def requester_name(rng: random.Random) -> str:
    """How a requester is recorded: a full name, or a surname and form of address (李阿姨)."""
    if rng.random() < 0.5:
        return person_name(rng)
    return rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0] + rng.choice(_HONORIFICS)


# ---------------------------------------------------------------------------------------------
# Areas

# The 11 real subdistricts of Longgang district, Shenzhen.
LONGGANG_SUBDISTRICTS: tuple[str, ...] = tuple(
    f"{stem}街道"
    for stem in "平湖 坂田 布吉 南湾 横岗 龙城 龙岗 坪地 宝龙 园山 吉华".split()
)

# Suyu district, Suqian: the three subdistricts it had when the 001 report's figures were
# collected (顺河, 豫新, 下相 per public gazetteers; more were created later). 古城 belongs to
# Suqian's Sucheng district and 蔡集 is a town, so neither is used here.
SUYU_SUBDISTRICTS: tuple[str, ...] = ("顺河街道", "豫新街道", "下相街道")

# Community stems taken from real Longgang community names (not mapped to their subdistricts).
_REAL_COMMUNITY_STEMS = (
    "山厦 白泥坑 鹅公岭 辅城坳 良安田 新木 禾花 凤凰 力昌 上木古 岗头 马安堂 象角塘 杨美 五和 "
    "南坑 大发埔 雪象 罗岗 大芬 木棉湾 三联 德兴 长龙 水径 丹竹头 沙湾 南岭 樟树布 厦村 吉厦 "
    "上李朗 下李朗 六约 四联 保安 西坑 大康 荷坳 安良 爱联 黄阁坑 回龙埔 五联 尚景 嶂背 盛平 "
    "愉园 南联 龙东 新生 平南 同乐 南约 同德 龙新 坪西 坪东 六联 年丰 四方埔 高桥 甘坑 丽湖"
).split()
# Invented two-character stems in the same style: a landmark character and a place suffix.
_STEM_HEADS = "山石沙白黄青松竹梅桂荷禾新旧上下东西南北大小长高龙凤鹤马牛石岭岗湖塘水清丰和安福"
_STEM_TAILS = "厦坑岭坳田湖塘岗围村埔坪背头湾布约联园景岭洲溪屋寮"
_GENERATED_COMMUNITY_STEMS = sorted(
    {h + t for h in _STEM_HEADS for t in _STEM_TAILS if h != t} - set(_REAL_COMMUNITY_STEMS)
)

_COMPOUND_HEADS = (
    "华南城 碧湖 阳光 万科 金地 星河 中海 龙城 富康 锦绣 翠景 怡景 天安 君悦 东方 嘉御 盛世 "
    "兰亭 丽景 海悦 紫薇 绿景 宝能 水晶 风临 御峰 山水 鸿基 新亚洲 信义 佳兆业 远洋 华润 "
    "百合 紫云 翡翠 金色 半岛 雅居 幸福 和谐 康乐 瑞华 长城 世纪 龙腾 融湖 泰富 京基 俊峰"
).split()
_COMPOUND_TAILS = (
    "花园 小区 家园 雅苑 名苑 山庄 新村 公馆 华府 豪庭 玫瑰园 尚苑 名居 新城 豪园 御园"
).split()
_COMPOUND_PHASES = ("", "一期", "二期", "三期")


def _pick_unique(
    rng: random.Random,
    taken: set[str],
    pools: Sequence[Sequence[str]],
    weights: Sequence[float],
    what: str,
) -> str:
    """Draw from weighted pools until a name not in ``taken`` turns up; then scan what is left."""
    for _ in range(60):
        pool = rng.choices(pools, weights=weights)[0]
        candidate = rng.choice(pool)
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    free = [c for pool in pools for c in pool if c not in taken]
    if not free:
        raise ValueError(f"all {sum(len(p) for p in pools)} {what} names are taken")
    candidate = rng.choice(free)
    taken.add(candidate)
    return candidate


_REAL_COMMUNITIES = tuple(f"{s}社区" for s in _REAL_COMMUNITY_STEMS)
_GENERATED_COMMUNITIES = tuple(f"{s}社区" for s in _GENERATED_COMMUNITY_STEMS)


def community_name(rng: random.Random, taken: set[str]) -> str:
    """A community name such as 山厦社区 or 白泥坑社区, not in ``taken``; it is added to it."""
    return _pick_unique(
        rng, taken, (_REAL_COMMUNITIES, _GENERATED_COMMUNITIES), (0.3, 0.7), "community"
    )


_COMPOUNDS = tuple(h + t for h in _COMPOUND_HEADS for t in _COMPOUND_TAILS)
_COMPOUNDS_PHASED = tuple(c + p for c in _COMPOUNDS for p in _COMPOUND_PHASES if p)


def compound_name(rng: random.Random, taken: set[str]) -> str:
    """A residential compound name such as 华南城花园 or 碧湖玫瑰园, not in ``taken``; added to it."""
    return _pick_unique(rng, taken, (_COMPOUNDS, _COMPOUNDS_PHASED), (0.85, 0.15), "compound")


def grid_name(community_name: str, n: int) -> str:
    """``grid_name("山厦社区", 3)`` → ``"山厦社区第03网格"``."""
    return f"{community_name}第{n:02d}网格"


def building_name(n: int) -> str:
    """``building_name(3)`` → ``"3栋"``."""
    return f"{n}栋"


# ---------------------------------------------------------------------------------------------
# Organisations

_AGENCIES = (
    "区委办公室 区政府办公室 区委组织部 区委宣传部 区委统战部 区委政法委员会 区委机构编制委员会办公室 "
    "区纪委监委 区委社会工作部 区委党校 区委网信办 区委老干部局 区发展和改革局 区教育局 区科技创新局 "
    "区工业和信息化局 区公安分局 区民政局 区司法局 区财政局 区人力资源局 区住房和建设局 区交通运输局 "
    "区水务局 区文化广电旅游体育局 区卫生健康局 区退役军人事务局 区应急管理局 区审计局 "
    "区国有资产监督管理局 区市场监督管理局 区统计局 区医疗保障局 区政务服务数据管理局 "
    "区城市管理和综合执法局 区信访局 区投资推广和企业服务中心 区规划和自然资源管理局 区生态环境分局 "
    "区城市更新和土地整备局 区建筑工务署 区机关事务管理局 区融媒体中心 区疾病预防控制中心 "
    "区人民法院 区人民检察院 区税务局 区消防救援大队 区交警大队 区劳动人事争议仲裁院 区总工会 团区委 "
    "区妇联 区残联 区工商联 区科协 区红十字会 区档案馆 区图书馆 区社会福利中心 "
    # sub-units of the bodies above
    "区委组织部组织科 区委组织部干部科 区委组织部基层党建科 区委宣传部新闻科 区委政法委综治科 "
    "区委社会工作部党建引领基层治理科 区发改局价格管理科 区教育局学前教育科 区教育局基础教育科 "
    "区工信局产业发展科 区工信局中小企业服务科 区工信局金融服务科 区工信局科技金融服务中心 "
    "区公安分局治安管理大队 区公安分局出入境管理科 区民政局社会救助科 区民政局养老服务科 "
    "区民政局社区建设科 区司法局人民调解科 区司法局公共法律服务科 区财政局预算科 "
    "区人力资源局人才服务科 区人力资源局劳动监察大队 区人力资源局就业促进科 "
    "区住建局物业管理科 区住建局建筑市场监管科 区住建局老旧小区改造办公室 区交通运输局道路管养科 "
    "区水务局排水管理科 区卫健局基层卫生科 区卫健局医政科 区应急管理局安全生产监管科 "
    "区应急管理局消防安全科 区市场监管局食品安全科 区市场监管局特种设备安全科 "
    "区城管局环境卫生管理科 区城管局市容管理科 区城管局园林绿化科 区城管局燃气管理科 "
    "区文广旅体局文化科 区退役军人事务局双拥科 区残联康复科 区妇联权益部 团区委青少年发展部 "
    "区总工会职工服务中心 区政务服务数据管理局行政服务大厅"
).split()


def agency_names() -> list[str]:
    """District government and public bodies, then some of their sub-units; all distinct."""
    return list(_AGENCIES)


ENTERPRISE_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "电子信息": ("电子科技", "电子", "通信技术", "光电科技"),
    "智能制造": ("智能装备", "精密机械", "自动化设备", "智能科技"),
    "生物医药": ("生物科技", "医疗器械", "医药科技", "健康科技"),
    "新材料": ("新材料科技", "高分子材料", "新能源材料", "复合材料"),
    "文化创意": ("文化传播", "文化创意", "设计", "传媒"),
    "现代物流": ("物流", "供应链管理", "国际货运代理", "仓储服务"),
    "商贸服务": ("商贸", "贸易", "实业", "商务服务"),
    "餐饮住宿": ("餐饮管理", "酒店管理", "餐饮服务", "饮食"),
    "建筑装饰": ("建筑装饰工程", "建设工程", "装饰设计工程", "幕墙工程"),
    "软件和信息服务": ("软件技术", "信息技术", "网络科技", "数据科技"),
}
# above_scale / small / micro: the share of each among the firms of a district.
ENTERPRISE_SIZE_WEIGHTS: dict[str, int] = {"above_scale": 10, "small": 40, "micro": 50}
_HEADCOUNT = {"above_scale": (100, 2500), "small": (20, 299), "micro": (2, 19)}

_BRANDS = (
    "恒达 华创 鑫源 宏图 创维达 新科 盛世 金辉 瑞丰 华信 联合 东升 宏业 天成 永信 中航 华强 鹏程 "
    "明远 佳和 润泽 富海 兴业 凯达 博远 锦程 光华 长荣 嘉禾 荣泰 诚信 卓越 英华 智联 汇通 安捷 "
    "腾越 美佳 远航 同创 聚力 万象 星辰 蓝海 海纳 德润 泰和 金桥 顺发 晶华"
).split()


def enterprise(
    rng: random.Random,
    taken_names: set[str],
    *,
    city: str = "深圳市",
    region: str = "440307",
    places: Sequence[str] | None = None,
) -> dict:
    """A firm: name, industry, size, headcount, USCC and certified talents, consistently drawn.

    ``places`` are name stems put after the city (default: Longgang's subdistrict stems);
    the name is unique within ``taken_names`` and added to it.
    """
    if places is None:
        places = [s.removesuffix("街道") for s in LONGGANG_SUBDISTRICTS]
    industry = rng.choice(tuple(ENTERPRISE_INDUSTRIES))
    for _ in range(2000):
        place = rng.choice(places) if rng.random() < 0.6 else ""
        business = rng.choice(ENTERPRISE_INDUSTRIES[industry])
        name = f"{city}{place}{rng.choice(_BRANDS)}{business}有限公司"
        if name not in taken_names:
            break
    else:
        raise ValueError("could not find an unused enterprise name; the name space is exhausted")
    taken_names.add(name)
    sizes, weights = zip(*ENTERPRISE_SIZE_WEIGHTS.items(), strict=True)
    size = rng.choices(sizes, weights=weights)[0]
    headcount = rng.randint(*_HEADCOUNT[size])
    if size == "micro":
        talents = 0 if rng.random() < 0.85 else rng.randint(1, 2)
    elif size == "small":
        talents = rng.choices((0, 1, 2, 3, 5, 8), weights=(30, 25, 20, 12, 8, 5))[0]
    else:
        talents = rng.randint(5, 80)
    body = "91" + region + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return {
        "name": name,
        "industry": industry,
        "size": size,
        "headcount": headcount,
        "uscc": make_uscc(body),
        "certified_talents": min(talents, headcount),
    }


_BANKS = (
    "中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "招商银行", "平安银行",
    "中信银行", "兴业银行", "浦发银行", "中国民生银行", "中国光大银行", "华夏银行", "广发银行",
    "宁波银行",
)


def bank_names(city: str = "深圳", district: str = "龙岗") -> list[str]:
    """Branches of banks serving firms in a district (中国工商银行深圳龙岗支行 …)."""
    names = [f"{bank}{city}{district}支行" for bank in _BANKS]
    names.insert(5, f"中国邮政储蓄银行{city}{district}区支行")
    names.append(f"{city}农村商业银行{district}支行")
    return names


_INSURERS = (
    "中国人民财产保险股份有限公司", "中国平安财产保险股份有限公司", "中国太平洋财产保险股份有限公司",
    "中国人寿财产保险股份有限公司", "阳光财产保险股份有限公司", "中国大地财产保险股份有限公司",
    "华安财产保险股份有限公司", "中银保险有限公司",
)


def insurer_names(city: str = "深圳", district: str = "龙岗") -> list[str]:
    """District offices of property insurers (credit guarantee and liability insurance for firms)."""
    return [f"{insurer}{city}{district}支公司" for insurer in _INSURERS]


_BROKERS = ("招商证券", "国信证券", "平安证券", "中信证券", "华泰证券", "长城证券", "第一创业证券")


def broker_names(city: str = "深圳", district: str = "龙岗") -> list[str]:
    """Securities branch offices (listing guidance at finance stations)."""
    return [f"{broker}{city}{district}证券营业部" for broker in _BROKERS]


_PROPERTY_GROUPS = (
    "万科物业发展股份有限公司", "招商积余物业管理有限公司", "华润万象生活物业服务有限公司",
    "保利物业服务股份有限公司", "中海物业管理有限公司", "长城物业集团股份有限公司",
)
_PROPERTY_LOCAL_TAILS = ("物业管理有限公司", "物业服务有限公司", "物业发展有限公司")


def property_company_name(rng: random.Random, city: str = "深圳市") -> str:
    """A property management company: a branch of a national group or an invented local firm."""
    if rng.random() < 0.35:
        return f"{rng.choice(_PROPERTY_GROUPS)}{city.removesuffix('市')}分公司"
    return f"{city}{rng.choice(_BRANDS)}{rng.choice(_PROPERTY_LOCAL_TAILS)}"


# Invented names; any match with a real firm is accidental.
_LAW_FIRMS = (
    "广东龙岗律师事务所", "广东坤元律师事务所", "广东深龙律师事务所", "广东华岗律师事务所",
    "广东正邦律师事务所", "广东明诚律师事务所", "广东法匠律师事务所", "广东平湖律师事务所",
)


def law_firm_names() -> list[str]:
    """Law firms for mediation stations and public legal service (invented names)."""
    return list(_LAW_FIRMS)


# ---------------------------------------------------------------------------------------------
# Issues, meetings, commitments

CORE_ISSUE_CATEGORIES: tuple[str, ...] = (
    "road.repair",
    "elevator.retrofit",
    "environment.sanitation",
    "property.dispute",
    "public.safety",
    "facility.repair",
    "greening",
    "noise",
    "parking",
    "livelihood.help",
)
PLUGIN_ISSUE_CATEGORIES: tuple[str, ...] = (
    "mediation.dispute",
    "finance.financing_need",
    "hr.policy_question",
)

ISSUE_TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "road.repair": [
        ("{place}路面坑洼积水", "{place}门前路段出现多处坑洼，雨后积水严重，电动车和行人经过容易摔倒，请尽快修补。"),
        ("{place}井盖破损", "{place}附近人行道上一处井盖破损松动，踩上去会晃动，夜间存在安全隐患，请尽快更换。"),
        ("{place}井盖缺失", "{place}路口井盖缺失，现场只用树枝遮挡，老人和小孩经过非常危险，请立即处置。"),
        ("{place}人行道地砖松动", "{place}人行道地砖大面积松动翘起，下雨天一踩就溅水，已有老人被绊倒。"),
        ("{place}道路沉降开裂", "{place}主干道路面出现沉降和裂缝，大车经过时震动明显，请相关部门检测维修。"),
        ("{place}减速带损坏", "{place}入口减速带螺丝脱落、部分缺失，车辆经过时异响，请修复。"),
        ("{place}施工后路面未恢复", "{place}管道施工结束一个多月，开挖的路面仍未恢复，只铺了碎石，出行不便。"),
    ],
    "elevator.retrofit": [
        ("{place}申请加装电梯", "{place}为上世纪九十年代建成的七层住宅，没有电梯，楼内老人较多，居民希望申请加装电梯，请社区指导办理流程。"),
        ("{place}加装电梯意见不一", "{place}计划加装电梯，同意的住户已超过三分之二，但一楼住户担心采光和噪音不同意，请社区协调。"),
        ("{place}加装电梯费用分摊咨询", "{place}居民咨询加装电梯的费用分摊办法和政府补贴标准，希望有人上门讲解。"),
        ("{place}加装电梯施工扰民", "{place}加装电梯施工每天早上七点开工，噪音很大，材料堆放还占用了消防通道。"),
        ("{place}加装电梯审批进度查询", "{place}加装电梯的申请材料提交两个月了，至今没有审批结果，居民希望了解进度。"),
        ("{place}加装电梯管线迁改", "{place}加装电梯需要迁改燃气和供水管线，居民不清楚找哪个部门对接，请协助联系。"),
        ("{place}加装电梯后维保无人负责", "{place}加装的电梯已投入使用，但维保单位和费用分摊没有约定，近期电梯多次停运。"),
    ],
    "environment.sanitation": [
        ("{place}垃圾清运不及时", "{place}垃圾桶已满溢两天无人清运，天气炎热异味很大，请环卫尽快处理。"),
        ("{place}垃圾分类投放点异味", "{place}垃圾分类投放点周边污水横流、蚊蝇多，居民希望增加清洗频次。"),
        ("{place}楼道堆放杂物", "{place}楼道内长期堆放纸箱和旧家具，既影响通行又有火灾隐患，请督促清理。"),
        ("{place}化粪池外溢", "{place}化粪池堵塞外溢，污水流到路面，臭味影响整栋楼住户。"),
        ("{place}建筑垃圾乱倒", "{place}旁空地近期被人倾倒大量装修垃圾，请查处并清运。"),
        ("{place}积水滋生蚊虫", "{place}绿化带内长期积水，蚊虫滋生，居民担心登革热，请清理并消杀。"),
        ("{place}餐饮油污污染路面", "{place}附近餐饮店将油污直接排到路面和雨水井，路面湿滑且有异味。"),
    ],
    "property.dispute": [
        ("{place}物业费上涨争议", "{place}物业公司通知上调物业费，未经业主大会表决，业主普遍不认可，请协调。"),
        ("{place}物业服务不到位", "{place}物业长期不清扫公共区域、门岗无人值守，业主要求物业履行合同。"),
        ("{place}公共收益不公开", "{place}电梯广告和停车收益多年未公示，业主要求物业公开账目。"),
        ("{place}业委会选举组织", "{place}业主希望成立业主委员会，但不清楚选举程序，请社区指导。"),
        ("{place}物业撤场交接纠纷", "{place}原物业合同到期拒不撤场，新物业无法进场，双方僵持影响小区管理。"),
        ("{place}维修资金使用争议", "{place}屋面防水需要动用专项维修资金，部分业主对报价有异议，迟迟无法表决。"),
        ("{place}停车收费标准争议", "{place}物业单方面提高月租车位价格，业主认为不合理，请有关部门核查。"),
    ],
    "public.safety": [
        ("{place}消防通道堵塞", "{place}消防通道被私家车长期占用，消防车无法通行，请督促清理。"),
        ("{place}电动车楼道充电", "{place}有住户把电动车推进楼道充电，存在起火风险，请上门劝导并规范充电。"),
        ("{place}飞线充电", "{place}有住户从窗户拉电线到楼下给电动车充电，电线横跨通道，十分危险。"),
        ("{place}消火栓无水", "{place}楼道消火栓打开后没有水，灭火器也已过期，请物业和消防部门检查。"),
        ("{place}高空抛物", "{place}多次发生高空抛物，楼下有杂物和玻璃瓶，居民担心伤人，请排查。"),
        ("{place}违规群租", "{place}一套住房被隔成多个单间出租，人员进出复杂，存在消防和治安隐患。"),
        ("{place}燃气管道老化", "{place}燃气管道锈蚀严重，楼道内偶尔闻到燃气味，请燃气公司检修。"),
    ],
    "facility.repair": [
        ("{place}路灯不亮", "{place}路段路灯已连续一周不亮，晚上漆黑一片，居民夜归不安全。"),
        ("{place}水管爆裂", "{place}地下供水管爆裂，水流到路面，多户停水，请尽快抢修。"),
        ("{place}下水道堵塞", "{place}下水道堵塞，污水反涌到一楼住户家中，请尽快疏通。"),
        ("{place}健身器材损坏", "{place}健身器材螺丝松动、部分断裂，老人和小孩使用时容易受伤。"),
        ("{place}楼道灯损坏", "{place}楼道声控灯坏了多日，老人上下楼摸黑，请物业维修。"),
        ("{place}单元门禁损坏", "{place}单元门禁损坏无法关闭，陌生人随意进出，请维修。"),
        ("{place}屋面漏水", "{place}顶楼屋面防水层老化，下雨时住户家中漏水，请协调维修。"),
    ],
    "greening": [
        ("{place}树枝遮挡窗户", "{place}旁大树枝叶伸到住户窗前，遮挡采光，台风季节有折断风险，请修剪。"),
        ("{place}绿地被占用种菜", "{place}公共绿地被个别居民开垦种菜，施肥异味大，请恢复绿化。"),
        ("{place}枯死树木未清理", "{place}有一棵树已经枯死多月，树干开裂，担心倒下砸到行人或车辆。"),
        ("{place}树木倾斜", "{place}路边一棵大树严重倾斜，根部松动，请园林部门尽快处置。"),
        ("{place}绿化带杂草丛生", "{place}绿化带长期无人养护，杂草比人还高，还有蛇出没。"),
        ("{place}毁绿停车", "{place}绿化带被车辆碾压成停车场，草皮全部损毁，请查处并补种。"),
        ("{place}台风后树木倒伏", "{place}台风过后多棵树木倒伏压在道路上，影响通行，请清理扶正。"),
    ],
    "noise": [
        ("{place}广场舞噪音扰民", "{place}每晚广场舞音响音量过大，持续到晚上十点后，影响学生学习和老人休息。"),
        ("{place}夜间施工噪音", "{place}工地深夜仍在施工，打桩声很大，居民无法入睡，请查处。"),
        ("{place}商铺音响扰民", "{place}临街商铺整天用大功率音响播放促销广告，噪音刺耳。"),
        ("{place}空调外机噪音", "{place}商铺空调外机正对住户卧室，夜间运行噪音和热风影响休息。"),
        ("{place}装修噪音", "{place}有住户周末和午休时间装修，电钻声不断，请物业劝导。"),
        ("{place}夜宵摊噪音", "{place}楼下夜宵摊营业到凌晨，喝酒划拳声音很大。"),
        ("{place}犬吠扰民", "{place}有住户养的狗整夜吠叫，多次沟通无果，请协调。"),
    ],
    "parking": [
        ("{place}车辆乱停占道", "{place}道路两侧车辆乱停，早晚高峰堵塞，救护车难以进入。"),
        ("{place}停车位不足", "{place}车位严重不足，居民晚上找不到车位，希望规划增设停车位。"),
        ("{place}僵尸车长期占位", "{place}有几辆车积满灰尘、轮胎漏气，停放超过半年，请清理。"),
        ("{place}共享单车乱停放", "{place}共享单车堆满人行道和出入口，行人无法通行。"),
        ("{place}电动车充电桩不足", "{place}电动自行车充电桩太少，居民只能在家充电，希望增设集中充电点。"),
        ("{place}车辆占用盲道", "{place}盲道被车辆长期占用，视障居民出行困难。"),
        ("{place}外来车辆随意进出", "{place}门岗不登记外来车辆，外来车辆占用业主车位。"),
    ],
    "livelihood.help": [
        ("{place}低保申请咨询", "{place}一户居民家庭收入低、患病无劳动能力，咨询低保申请条件和办理流程。"),
        ("{place}独居老人需关照", "{place}一位八十多岁独居老人行动不便，子女在外地，希望安排定期探访和助餐。"),
        ("{place}残疾人补贴办理", "{place}残疾居民咨询两项补贴的申请材料，希望工作人员上门帮助办理。"),
        ("{place}困难家庭子女就学", "{place}困难家庭孩子即将上学，家长咨询学位申请和教育资助政策。"),
        ("{place}临时救助申请", "{place}一户居民因突发重病导致生活困难，申请临时救助。"),
        ("{place}失业人员求职帮扶", "{place}一名居民失业半年，希望社区推荐就业岗位和技能培训。"),
        ("{place}高龄津贴咨询", "{place}老人满八十岁，家属咨询高龄津贴的申领方式。"),
    ],
    "mediation.dispute": [
        ("{place}楼上漏水邻里纠纷", "{place}楼上卫生间漏水导致楼下天花板发霉，双方就维修费用协商不成，请求调解。"),
        ("{place}噪音引发邻里矛盾", "{place}楼上住户夜间走动和拖动家具声响大，楼下多次投诉，双方发生争吵。"),
        ("{place}公共通道堆物纠纷", "{place}邻居在公共走廊堆放鞋柜和杂物，对门住户要求清理，双方产生矛盾。"),
        ("{place}宠物伤人纠纷", "{place}一名居民被邻居的狗咬伤，双方就医药费赔偿存在争议。"),
        ("{place}租赁押金纠纷", "{place}租客退租后房东以房屋损坏为由拒退押金，租客请求调解。"),
        ("{place}家庭赡养纠纷", "{place}老人与子女因赡养费和居住问题发生矛盾，请求社区调解。"),
        ("{place}装修损坏相邻房屋", "{place}邻居装修打墙导致隔壁墙面开裂，双方对赔偿金额争议较大。"),
    ],
    "finance.financing_need": [
        ("{place}企业融资需求", "{place}一家电子企业订单增加，需要流动资金贷款约300万元，希望对接银行。"),
        ("{place}设备更新贷款需求", "{place}制造企业计划更新生产线，咨询设备更新贷款和贴息政策。"),
        ("{place}小微企业担保需求", "{place}小微企业缺少抵押物，希望通过政策性担保获得贷款。"),
        ("{place}应收账款融资咨询", "{place}企业应收账款回款周期长，咨询应收账款质押融资渠道。"),
        ("{place}知识产权质押融资", "{place}科技型企业拥有多项发明专利，希望办理知识产权质押融资。"),
        ("{place}企业保险需求", "{place}企业希望了解产品责任险和出口信用保险，请金融驿站对接保险机构。"),
        ("{place}上市辅导咨询", "{place}企业营收持续增长，咨询上市辅导和股改流程，希望对接券商。"),
    ],
    "hr.policy_question": [
        ("{place}人才补贴申报咨询", "{place}企业新引进多名本科以上人才，咨询人才补贴申报条件和时间。"),
        ("{place}技能培训补贴咨询", "{place}企业组织员工参加职业技能培训，咨询培训补贴申领办法。"),
        ("{place}稳岗补贴申领", "{place}企业咨询稳岗补贴的申领条件，以及是否需要企业主动申请。"),
        ("{place}社保补贴咨询", "{place}企业招用就业困难人员，咨询社会保险补贴政策。"),
        ("{place}劳动监察投诉", "{place}多名员工反映企业拖欠两个月工资，请劳动监察部门介入。"),
        ("{place}劳动仲裁程序咨询", "{place}员工被辞退后与企业就经济补偿金产生争议，咨询劳动仲裁程序。"),
        ("{place}高校毕业生招聘补贴", "{place}企业招聘应届高校毕业生，咨询一次性吸纳就业补贴。"),
    ],
}

_MEETING_TOPICS = (
    "老旧小区加装电梯协调推进",
    "辖区消防通道堵塞集中整治",
    "电动自行车集中充电点建设选址",
    "背街小巷环境卫生综合治理",
    "小区物业服务质量提升与业委会组建",
    "民生微实事项目年度计划审议",
    "独居老人关爱探访机制",
    "学校周边交通秩序整治",
    "城中村出租屋安全隐患排查",
    "防汛防台风应急准备",
    "共建单位资源清单与需求清单对接",
    "重点企业融资与用工需求对接",
    "邻里纠纷多元化解工作情况通报",
    "上季度上移议题办理情况反馈",
)


def meeting_topic(rng: random.Random) -> str:
    """A topic for a joint meeting (联席会议) agenda."""
    return rng.choice(_MEETING_TOPICS)


_VISIT_RHYTHMS = (
    "每月走访不少于一次",
    "每季度走访不少于一次",
    "每季度参加社区联席会议不少于一次",
    "每半年到社区报到服务不少于两次",
    "每月参加网格巡查一次",
)
_TASKS = (
    "认领民生微实事{n}项",
    "结对帮扶困难家庭{n}户",
    "开展政策宣讲{n}场",
    "提供志愿服务{n}次",
    "解决群众急难愁盼问题不少于{n}件",
    "协调共建资金{n}万元",
)


def commitment_text(rng: random.Random) -> str:
    """A pairing commitment, e.g. ``每季度走访不少于一次，认领民生微实事2项``."""
    tasks = rng.sample(_TASKS, k=rng.choice((1, 1, 2)))
    parts = [rng.choice(_VISIT_RHYTHMS)] + [t.format(n=rng.randint(1, 5)) for t in tasks]
    return "，".join(parts)


def issue_text(rng: random.Random, category: str, place: str) -> tuple[str, str]:
    """A (title, description) for an issue of ``category`` at ``place``."""
    try:
        templates = ISSUE_TEMPLATES[category]
    except KeyError:
        raise KeyError(
            f"no issue templates for category {category!r}; known: {', '.join(ISSUE_TEMPLATES)}"
        ) from None
    title, description = rng.choice(templates)
    return title.format(place=place), description.format(place=place)
