"""Made-up but realistic product models for the catalog benchmark, written as the CSV ``lowcarbon catalog import``
reads.

    generated = generate(1_000_000, seed=7, as_of=date.today())
    generated.write(Path("products.csv"))      # the import's columns and each family's specifications

The 100 procurement categories come from ``catalog_categories.csv`` (codes shaped like the procurement catalogue's,
with the four the certification schemes ship: A02010103 servers, A02010104 PCs, A02021000 printers, A06000000
furniture; footprint medians are plausible orders of magnitude, not data). About 2,000 brands, Chinese (a handful
of household names, the rest two or three characters with their pinyin) and Latin, each making a few categories of
one family, some one more elsewhere, chosen in each category with a Zipf-like skew. Model numbers are shaped as
real ones are ("KFR-35GW/BpR3", "BCD520WDPU", "XQG100-HBD14"), names are brand + descriptive words + product word +
model ("格力 变频分体式空调 KFR-35GW"). 31 provinces, 40 certification bodies, three labels; statuses about 85 %
valid (some of them past their date, hence expired), the rest suspended, revoked, withdrawn or expired; footprints
log-normal around each category's median. The same ``rows``, ``seed`` and ``as_of`` give the same file.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from lowcarbon.catalog.rows import COLUMNS as IMPORT_COLUMNS

__all__ = ["COLUMNS", "Brand", "Category", "Generated", "generate", "load_categories"]

CATEGORIES_FILE = Path(__file__).with_name("catalog_categories.csv")
COLUMNS = IMPORT_COLUMNS  # the columns `lowcarbon catalog import` reads, as the contract names them
LABELS = (
    ("environmental-label", "EL", 0.60),
    ("carbon-footprint-label", "CF", 0.25),
    ("low-carbon-product", "LC", 0.15),
)
STATUSES = (("valid", 0.85), ("suspended", 0.04), ("revoked", 0.025), ("withdrawn", 0.035), ("expired", 0.05))
VALID_PAST_DATE = 0.035  # of the valid ones: a certificate the registry still shows valid, past its date
NO_FOOTPRINT = 0.06  # of labels other than the carbon-footprint label: no footprint declared
REGIONS = (
    ("广东省", 14), ("浙江省", 12), ("江苏省", 12), ("山东省", 8), ("上海市", 6), ("福建省", 5), ("北京市", 4),
    ("河北省", 4), ("河南省", 4), ("安徽省", 4), ("湖北省", 3), ("四川省", 3), ("湖南省", 3), ("天津市", 2),
    ("重庆市", 2), ("江西省", 2), ("辽宁省", 2), ("陕西省", 1.5), ("广西壮族自治区", 1.2), ("山西省", 1),
    ("吉林省", 0.8), ("黑龙江省", 0.8), ("云南省", 0.8), ("贵州省", 0.7), ("内蒙古自治区", 0.6),
    ("新疆维吾尔自治区", 0.4), ("甘肃省", 0.4), ("海南省", 0.3), ("宁夏回族自治区", 0.2), ("青海省", 0.15),
    ("西藏自治区", 0.05),
)  # fmt: skip
BODIES = (
    ("中环联合（北京）认证中心有限公司", "CEC"), ("中国质量认证中心", "CQC"), ("北京鉴衡认证中心有限公司", "CGC"),
    ("方圆标志认证集团有限公司", "CQM"), ("中国建材检验认证集团股份有限公司", "CTC"), ("华夏认证中心有限公司", "HXC"),
    ("上海质量体系审核中心", "SAC"), ("中国船级社质量认证有限公司", "CCSC"), ("杭州万泰认证有限公司", "WIT"),
    ("北京国建联信认证中心有限公司", "GJC"), ("广州赛宝认证中心服务有限公司", "CEPREI"),
    ("中联认证中心（北京）有限公司", "CUC"),
)  # fmt: skip
BODY_TOWNS = (
    "北京 上海 广州 深圳 杭州 南京 苏州 天津 重庆 成都 武汉 西安 青岛 厦门 宁波 合肥 长沙 郑州 济南 沈阳 "
    "大连 福州 昆明 南宁 无锡 佛山 东莞 石家庄"
)
BODY_WORDS = ("华信", "中认", "联创", "国环", "绿标", "质信", "恒标", "正信", "中绿", "通标", "安评", "诚标")
BRANDS_KNOWN = (
    ("格力", "Gree", "appliance"), ("美的", "Midea", "appliance"), ("海尔", "Haier", "appliance"),
    ("海信", "Hisense", "appliance"), ("TCL", "TCL", "appliance"), ("长虹", "Changhong", "appliance"),
    ("奥克斯", "AUX", "appliance"), ("方太", "Fotile", "appliance"), ("九阳", "Joyoung", "appliance"),
    ("苏泊尔", "Supor", "appliance"), ("联想", "Lenovo", "it"), ("华为", "Huawei", "it"), ("浪潮", "Inspur", "it"),
    ("曙光", "Sugon", "it"), ("奔图", "Pantum", "it"), ("HP", "HP", "it"), ("Canon", "Canon", "it"),
    ("Epson", "Epson", "it"), ("得力", "Deli", "consumable"), ("晨光", "M&G", "consumable"),
    ("东方雨虹", "Oriental Yuhong", "building"), ("三棵树", "Skshu", "building"), ("北新建材", "BNBM", "building"),
    ("海螺", "Conch", "building"), ("东鹏", "Dongpeng", "building"), ("圣象", "Power Dekor", "building"),
    ("欧普", "Opple", "lighting"), ("雷士", "NVC", "lighting"), ("Philips", "Philips", "lighting"),
    ("比亚迪", "BYD", "vehicle"), ("宇通", "Yutong", "vehicle"), ("雅迪", "Yadea", "vehicle"),
    ("隆基", "LONGi", "energy"), ("天合", "Trina", "energy"), ("宁德时代", "CATL", "energy"),
    ("立白", "Liby", "chemical"), ("蓝月亮", "Blue Moon", "chemical"), ("维达", "Vinda", "paper"),
    ("晨鸣", "Chenming", "paper"), ("罗莱", "Luolai", "textile"), ("圣奥", "Sunon", "furniture"),
    ("震旦", "Aurora", "furniture"), ("Siemens", "Siemens", "energy"), ("Daikin", "Daikin", "appliance"),
)  # fmt: skip
SYLLABLES = (
    "华hua 美mei 海hai 康kang 佳jia 新xin 达da 光guang 明ming 创chuang 维wei 科ke 信xin 德de 安an 宏hong 远yuan "
    "恒heng 泰tai 立li 天tian 源yuan 盛sheng 鑫xin 博bo 通tong 联lian 金jin 力li 嘉jia 荣rong 鸿hong 腾teng 宇yu "
    "星xing 辉hui 瑞rui 祥xiang 丰feng 顺shun 万wan 中zhong 东dong 南nan 北bei 绿lv 环huan 清qing 洁jie 智zhi "
    "雅ya 森sen 青qing 蓝lan 凯kai 益yi 和he 正zheng 方fang 利li 优you 百bai 富fu 诺nuo 奥ao 亿yi 舒shu 爱ai"
)
LATIN_HEADS = "Ve Ko Lu Ar Tri Zen Nova Sol Ex Max Pro Vi Qua Al Bel Cor Dyn Ev Gal Hex Ion Jet Ky Lum Mer Nex Om Pax"
LATIN_TAILS = "ra on ix tek lux via ora en is um ex ia ar o a eon ity ux ant"
LATIN_SERIES = ("Eco", "Pro", "Max", "Neo", "Plus", "Lite", "Air", "One", "Star", "Prime")
BRANDS = 2_000
ZIPF = 1.05
FAMILY_SPREAD = 0.15  # share of brands that also make one category of another family


@dataclass(frozen=True)
class Category:
    """A procurement category as the benchmark uses it (a row of ``catalog_categories.csv``)."""

    code: str
    family: str
    name_zh: str
    name_en: str
    product_zh: str
    product_en: str
    descriptors: tuple[tuple[str, str], ...]  # (zh, en) pairs
    model_prefixes: tuple[str, ...]
    declared_unit: str
    median_kg: float
    weight: float


@dataclass(frozen=True)
class Brand:
    text: str  # as the brand column writes it
    latin: str  # in English names
    family: str


def load_categories(path: Path = CATEGORIES_FILE) -> list[Category]:
    with path.open(encoding="utf-8", newline="") as file:
        return [
            Category(
                code=row["code"],
                family=row["family"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                product_zh=row["product_zh"],
                product_en=row["product_en"],
                descriptors=tuple(zip(row["descriptors_zh"].split("|"), row["descriptors_en"].split("|"), strict=True)),
                model_prefixes=tuple(p for p in row["model_prefixes"].split("|") if p),
                declared_unit=row["declared_unit"],
                median_kg=float(row["median_kg"]),
                weight=float(row["weight"]),
            )
            for row in csv.DictReader(file)
        ]


def _choice(values: Sequence[str], p: Sequence[float] | None = None) -> Callable[[np.random.Generator, int], list[str]]:
    weights = None if p is None else np.asarray(p, dtype=float) / sum(p)
    return lambda rng, n: [values[i] for i in rng.choice(len(values), size=n, p=weights)]


def _number(
    low: float, high: float, digits: int = 0, log: bool = False
) -> Callable[[np.random.Generator, int], list[str]]:
    def draw(rng: np.random.Generator, n: int) -> list[str]:
        values = np.exp(rng.uniform(np.log(low), np.log(high), n)) if log else rng.uniform(low, high, n)
        return [f"{v:.{digits}f}" for v in values]

    return draw


# 2-3 specifications per family, as the registries of each kind of product list them
SPECS: dict[str, tuple[tuple[str, Callable[[np.random.Generator, int], list[str]]], ...]] = {
    "appliance": (
        ("能效等级", _choice(["1级", "2级", "3级"], [0.5, 0.35, 0.15])),
        ("额定功率(W)", _number(30, 4000, log=True)),
        ("噪声(dB)", _number(28, 62)),
    ),
    "it": (
        ("额定功率(W)", _number(5, 1600, log=True)),
        ("典型能耗(kWh/年)", _number(8, 900, 1, log=True)),
        ("噪声(dB)", _number(20, 55)),
    ),
    "lighting": (
        ("额定功率(W)", _number(3, 250, log=True)),
        ("光效(lm/W)", _number(90, 200)),
        ("色温(K)", _choice(["2700", "3000", "4000", "5000", "6500"])),
    ),
    "energy": (("额定功率(W)", _number(300, 2_000_000, log=True)), ("转换效率(%)", _number(20, 99, 1))),
    "paper": (("克重(g/m²)", _choice(["60", "70", "75", "80", "100", "120"])), ("再生纤维含量(%)", _number(0, 100))),
    "consumable": (("打印页数", _choice(["1500", "2600", "5000", "10000"])), ("再制造比例(%)", _number(0, 90))),
    "furniture": (
        ("主要材质", _choice(["实木", "人造板", "钢", "钢木", "网布", "皮革"])),
        ("甲醛释放量(mg/m³)", _number(0.005, 0.124, 3)),
    ),
    "building": (
        ("执行标准", _choice(["GB 175-2023", "GB/T 4100-2015", "GB 18582-2020", "GB/T 10801.2-2018", "JC/T 2083"])),
        ("放射性等级", _choice(["A类", "B类"], [0.9, 0.1])),
        ("VOC(g/L)", _number(1, 120)),
    ),
    "vehicle": (
        ("能源类型", _choice(["纯电动", "插电式混合动力", "汽油", "柴油"])),
        ("整备质量(kg)", _number(40, 18000, log=True)),
    ),
    "textile": (
        ("面料成分", _choice(["100%棉", "65%涤35%棉", "再生涤纶", "莱赛尔", "竹纤维"])),
        ("克重(g/m²)", _number(90, 600)),
    ),
    "chemical": (("净含量", _choice(["500 g", "1 kg", "2 kg", "3 kg", "5 kg"])), ("生物降解度(%)", _number(60, 99))),
    "packaging": (("规格", _choice(["小号", "中号", "大号", "特大号"])), ("再生材料含量(%)", _number(0, 100))),
}
SPEC_COLUMNS = tuple(dict.fromkeys(name for specs in SPECS.values() for name, _ in specs))


def _brands(rng: np.random.Generator, families: Sequence[str], weights: np.ndarray) -> list[Brand]:
    brands = [Brand(zh, latin, family) for zh, latin, family in BRANDS_KNOWN]
    seen = {b.text for b in brands}
    pairs = [(s[0], s[1:]) for s in SYLLABLES.split()]
    latin = 0
    while len(brands) < BRANDS:
        family = families[int(rng.choice(len(families), p=weights))]
        if rng.random() < 0.7:
            picked = [pairs[int(i)] for i in rng.choice(len(pairs), size=3 if rng.random() < 0.2 else 2, replace=False)]
            text, name = "".join(p[0] for p in picked), "".join(p[1] for p in picked).capitalize()
        else:
            heads, tails = LATIN_HEADS.split(), LATIN_TAILS.split()
            text = heads[int(rng.integers(len(heads)))] + tails[int(rng.integers(len(tails)))]
            if text in seen:
                text += LATIN_SERIES[latin % len(LATIN_SERIES)]
                latin += 1
            name = text
        if text not in seen:
            seen.add(text)
            brands.append(Brand(text, name, family))
    return brands


@dataclass
class Generated:
    """The products, as arrays in the order they are written (registry ids follow it)."""

    categories: list[Category]
    brands: list[Brand]
    category: np.ndarray  # index into categories
    brand: np.ndarray  # index into brands
    model: list[str]
    descriptor: np.ndarray
    label: np.ndarray
    status: np.ndarray
    valid_until: np.ndarray  # datetime64[D]
    body: np.ndarray
    region: np.ndarray
    footprint: np.ndarray  # NaN: none declared
    english: np.ndarray  # bool: has an English name
    bodies: list[tuple[str, str]]
    seed: int

    @property
    def size(self) -> int:
        return int(self.category.size)

    def name_zh(self, i: int) -> str:
        c, b = self.categories[self.category[i]], self.brands[self.brand[i]]
        return f"{b.text} {c.descriptors[self.descriptor[i]][0]}{c.product_zh} {self.model[i]}"

    def name_en(self, i: int) -> str:
        c, b = self.categories[self.category[i]], self.brands[self.brand[i]]
        return f"{b.latin} {c.descriptors[self.descriptor[i]][1]} {c.product_en} {self.model[i]}"

    def rows(self, chunk: int = 100_000) -> Iterator[list[str]]:
        """Every row's cells, in ``COLUMNS`` then ``SPEC_COLUMNS`` order."""
        rng = np.random.default_rng(self.seed + 1)
        spec_at = {name: 14 + n for n, name in enumerate(SPEC_COLUMNS)}
        families = np.array([c.family for c in self.categories])[self.category]
        for start in range(0, self.size, chunk):
            stop = min(start + chunk, self.size)
            specs: dict[int, list[tuple[int, str]]] = {}
            for family, columns in SPECS.items():
                at = np.flatnonzero(families[start:stop] == family) + start
                drawn = [(spec_at[name], draw(rng, at.size)) for name, draw in columns]
                for k, i in enumerate(at.tolist()):
                    specs[i] = [(column, values[k]) for column, values in drawn]
            for i in range(start, stop):
                c = self.categories[self.category[i]]
                label, short, _ = LABELS[self.label[i]]
                body, abbr = self.bodies[self.body[i]]
                until = self.valid_until[i]
                footprint = self.footprint[i]
                row = [
                    f"GP{i + 1:08d}",
                    self.brands[self.brand[i]].text,
                    self.model[i],
                    self.name_zh(i),
                    self.name_en(i) if self.english[i] else "",
                    c.code,
                    label,
                    f"{abbr}{int(str(until)[:4]) - 3}{short}{i + 1:07d}",  # the year it was issued
                    STATUSES[self.status[i]][0],
                    str(until),
                    body,
                    REGIONS[self.region[i]][0],
                    "" if np.isnan(footprint) else f"{footprint:.4g}",
                    c.declared_unit,
                    *[""] * len(SPEC_COLUMNS),
                ]
                for column, value in specs[i]:
                    row[column] = value
                yield row

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow([*COLUMNS, *SPEC_COLUMNS])
            writer.writerows(self.rows())


def _bodies(rng: np.random.Generator) -> list[tuple[str, str]]:
    bodies = list(BODIES)
    towns = BODY_TOWNS.split()
    while len(bodies) < 40:
        town, word = towns[int(rng.integers(len(towns)))], BODY_WORDS[int(rng.integers(len(BODY_WORDS)))]
        name = f"{town}{word}认证有限公司"
        if name not in {b[0] for b in bodies}:
            bodies.append((name, "".join(chr(65 + int(x)) for x in rng.integers(0, 26, 3))))
    return bodies


def _model(rng: random.Random, prefix: str, shape: int, digits: int, suffixes: Sequence[str]) -> str:
    number = str(rng.randrange(10 ** (digits - 1), 10**digits))
    suffix = rng.choice(suffixes)
    tail = "".join(rng.choice("0123456789ABCDEFHJKLMNPRSTUVWXYZ") for _ in range(rng.randrange(0, 3)))
    if shape == 0:
        return f"{prefix}-{number}{suffix}{tail}"  # KFR-35GW1
    if shape == 1:
        return f"{prefix}-{number}{suffix}/{tail or 'A'}{rng.choice(('Bp', 'N', 'H', 'D'))}{rng.randrange(1, 4)}"
    if shape == 2:
        return f"{prefix}{number}{suffix}{tail}"  # BCD520WDPU
    if shape == 3:
        return f"{prefix}{number}-{suffix}{tail}"  # XQG100-HBD14
    return f"{prefix}{number}{suffix.lower()}{tail}"  # M720t


def generate(rows: int, *, seed: int = 7, as_of: date | None = None) -> Generated:
    """``rows`` product models; the same arguments give the same products."""
    as_of = as_of or date.today()
    rng = np.random.default_rng(seed)
    strings = random.Random(seed)
    categories = load_categories()
    family_names = sorted({c.family for c in categories})
    family_weight = np.array([sum(c.weight for c in categories if c.family == f) for f in family_names])
    brands = _brands(rng, family_names, family_weight / family_weight.sum())
    popularity = 1.0 / np.arange(1, len(brands) + 1) ** ZIPF  # the known brands first, the most bought
    by_family = {f: [n for n, c in enumerate(categories) if c.family == f] for f in family_names}
    makers: list[list[int]] = [[] for _ in categories]
    for b, brand in enumerate(brands):
        own = by_family[brand.family]
        made = rng.choice(own, size=min(len(own), 1 + int(rng.geometric(0.4))), replace=False).tolist()
        if rng.random() < FAMILY_SPREAD:
            made.append(int(rng.integers(len(categories))))
        for c in set(made):
            makers[c].append(b)
    for c in range(len(categories)):  # every category has a few makers
        while len(makers[c]) < 8:
            makers[c].append(int(rng.integers(len(brands))))
    weights = np.array([c.weight for c in categories])
    counts = rng.multinomial(rows, weights / weights.sum())
    category = np.repeat(np.arange(len(categories)), counts)
    brand = np.empty(rows, dtype=np.int32)
    models: list[str] = []
    start = 0
    for c, count in enumerate(counts.tolist()):
        p = popularity[makers[c]]
        chosen = rng.choice(makers[c], size=count, p=p / p.sum())
        brand[start : start + count] = chosen
        series: dict[int, tuple[str, int, int, tuple[str, ...]]] = {}
        for b in chosen.tolist():
            if b not in series:
                prefixes = categories[c].model_prefixes
                latin = "".join(ch for ch in brands[b].latin.upper() if ch.isalpha()) or "X"
                prefix = strings.choice(prefixes) if prefixes else latin[: strings.randrange(1, 4)]
                suffixes = tuple(
                    "".join(strings.choice("ABCDEGHKLMNPRSTWXYZ") for _ in range(strings.randrange(1, 4)))
                    for _ in range(strings.randrange(2, 6))
                )
                series[b] = (prefix, strings.randrange(5), strings.randrange(2, 5), suffixes)
            models.append(_model(strings, *series[b]))
        start += count
    order = rng.permutation(rows)  # a registry lists products by registration, not by category
    category, brand = category[order], brand[order]
    models = [models[i] for i in order.tolist()]
    status = rng.choice(len(STATUSES), size=rows, p=[p for _, p in STATUSES])
    age = rng.integers(0, 3 * 365, size=rows)  # days since the certificate was issued: 3 years of validity
    lapsed = (status == 0) & (rng.random(rows) < VALID_PAST_DATE)
    age[lapsed | (status == 4)] += rng.integers(3 * 365 + 1, 5 * 365, size=rows)[lapsed | (status == 4)]
    valid_until = np.datetime64(as_of + timedelta(days=3 * 365), "D") - age.astype("timedelta64[D]")
    label = rng.choice(len(LABELS), size=rows, p=[p for _, _, p in LABELS])
    bodies = _bodies(rng)
    body_popularity = 1.0 / np.arange(2, len(bodies) + 2) ** 1.2
    body = rng.choice(len(bodies), size=rows, p=body_popularity / body_popularity.sum())
    body[(label == 0) & (rng.random(rows) < 0.5)] = 0  # the environmental label is mostly CEC's
    body[(label == 2) & (rng.random(rows) < 0.4)] = 1  # low-carbon products mostly CQC's
    region_weight = np.array([w for _, w in REGIONS])
    region = rng.choice(len(REGIONS), size=rows, p=region_weight / region_weight.sum())
    median = np.array([c.median_kg for c in categories])[category]
    sigma = rng.uniform(0.3, 0.6, size=len(categories))[category]
    footprint = median * np.exp(sigma * rng.standard_normal(rows))
    footprint[(label != 1) & (rng.random(rows) < NO_FOOTPRINT)] = np.nan
    return Generated(
        categories=categories,
        brands=brands,
        category=category,
        brand=brand,
        model=models,
        descriptor=rng.integers(0, 8, size=rows) % np.array([len(c.descriptors) for c in categories])[category],
        label=label,
        status=status,
        valid_until=valid_until,
        body=body,
        region=region,
        footprint=footprint,
        english=rng.random(rows) >= 0.03,
        bodies=bodies,
        seed=seed,
    )
