//! 重大危险源辨识与分级 of a storage unit (储存单元), by GB 18218-2018
//! 《危险化学品重大危险源辨识》 (effective 2019-03-01).
//!
//! - **Q** (临界量): from Table 1 when the substance is named there (matched
//!   by CAS number first, then by name or a common alias), otherwise from
//!   Table 2 by hazard class; with several classes the lowest Q.
//! - **Identification**: S = Σ qᵢ/Qᵢ; the unit is a major hazard source when
//!   S ≥ 1 (one substance: q ≥ Q).
//! - **Grading** (only when S ≥ 1): R = α · Σ βᵢ·qᵢ/Qᵢ, β from Table 3 for
//!   the named toxic gases, otherwise from Table 4 by class; α from Table 5
//!   by the people exposed outside the site. 一级 R ≥ 100, 二级 50 ≤ R < 100,
//!   三级 10 ≤ R < 50, 四级 R < 10.
//! - **Several hazards, which β**: a substance not in Table 3 takes the
//!   *largest* β of its classes (the conservative reading: a unit is never
//!   graded lower because one of a substance's hazards was left out).
//!
//! Arithmetic is exact: quantities are whole grams, every sum a fraction
//! over the least common multiple of the unit's thresholds (no floating
//! point decides S ≥ 1 or a grade boundary). The tables are data, dated:
//! a revised standard is a new [`Standard`] with its own effective date.

use serde::{Deserialize, Serialize};

use super::enterprise_info::check_cas;
use super::normalize::normalize_text;
use super::record_field::{SubstanceField, UnitField};
use super::Date;

/// A hazard class of Table 2, with its threshold Q and its β from Table 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HazardClass {
    J1,
    J2,
    J3,
    J4,
    J5,
    W1_1,
    W1_2,
    W1_3,
    W2,
    W3,
    W4,
    W5_1,
    W5_2,
    W5_3,
    W5_4,
    W6_1,
    W6_2,
    W7_1,
    W7_2,
    W8,
    W9_1,
    W9_2,
    W10,
    W11,
}

use HazardClass::*;

impl HazardClass {
    pub const ALL: [HazardClass; 24] = [
        J1, J2, J3, J4, J5, W1_1, W1_2, W1_3, W2, W3, W4, W5_1, W5_2, W5_3, W5_4, W6_1, W6_2, W7_1,
        W7_2, W8, W9_1, W9_2, W10, W11,
    ];

    /// (symbol, description, Q in tonnes × 1000, β × 2) of Tables 2 and 4
    /// of GB 18218-2018; the rule reads Q and β through its [`Standard`].
    fn row(self) -> (&'static str, &'static str, u64, u64) {
        match self {
            J1 => ("J1", "急性毒性 类别1,所有暴露途径,气体", 5_000, 8),
            J2 => ("J2", "急性毒性 类别1,所有暴露途径,固体、液体", 50_000, 2),
            J3 => ("J3", "急性毒性 类别2、类别3,所有暴露途径,气体", 50_000, 4),
            J4 => (
                "J4",
                "急性毒性 类别2、类别3,吸入途径,液体(沸点≤35℃)",
                50_000,
                4,
            ),
            J5 => (
                "J5",
                "急性毒性 类别2,所有暴露途径,液体(除J4外)、固体",
                500_000,
                2,
            ),
            W1_1 => ("W1.1", "不稳定爆炸物;1.1项爆炸物", 1_000, 4),
            W1_2 => ("W1.2", "1.2、1.3、1.5、1.6项爆炸物", 10_000, 4),
            W1_3 => ("W1.3", "1.4项爆炸物", 50_000, 4),
            W2 => ("W2", "易燃气体 类别1和类别2", 10_000, 3),
            W3 => ("W3", "气溶胶 类别1和类别2(净重)", 150_000, 2),
            W4 => ("W4", "氧化性气体 类别1", 50_000, 2),
            W5_1 => (
                "W5.1",
                "易燃液体 类别1;类别2和3且工作温度高于沸点",
                10_000,
                3,
            ),
            W5_2 => (
                "W5.2",
                "易燃液体 类别2和3,具有引发重大事故的特殊工艺条件",
                50_000,
                2,
            ),
            W5_3 => ("W5.3", "易燃液体 类别2(不属于W5.1、W5.2)", 1_000_000, 2),
            W5_4 => ("W5.4", "易燃液体 类别3(不属于W5.1、W5.2)", 5_000_000, 2),
            W6_1 => ("W6.1", "自反应物质和混合物 A型和B型", 10_000, 3),
            W6_2 => ("W6.2", "自反应物质和混合物 C型、D型、E型", 50_000, 2),
            W7_1 => ("W7.1", "有机过氧化物 A型和B型", 10_000, 3),
            W7_2 => ("W7.2", "有机过氧化物 C型、D型、E型、F型", 50_000, 2),
            W8 => ("W8", "自燃液体 类别1;自燃固体 类别1", 50_000, 2),
            W9_1 => ("W9.1", "氧化性固体和液体 类别1", 50_000, 2),
            W9_2 => ("W9.2", "氧化性固体和液体 类别2、类别3", 200_000, 2),
            W10 => ("W10", "易燃固体 类别1", 200_000, 2),
            W11 => (
                "W11",
                "遇水放出易燃气体的物质和混合物 类别1和类别2",
                200_000,
                2,
            ),
        }
    }

    pub fn code(self) -> &'static str {
        self.row().0
    }

    pub fn description(self) -> &'static str {
        self.row().1
    }

    pub fn from_code(code: &str) -> Option<HazardClass> {
        // ASCII: codes are Latin letters and digits once half-width (and
        // the bundle needs no Unicode case tables: issue 13).
        let code = normalize_text(code).to_ascii_uppercase();
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The codes of a list as typed, separators and spaces dropped.
    fn codes(list: &str) -> impl Iterator<Item = &str> {
        list.split([',', ',', '、', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }

    /// A comma-separated list of codes ("W5.3" or "J2,W5.3"); an unknown code is an error.
    pub fn parse_list(list: &str) -> Result<Vec<HazardClass>, String> {
        let mut out = Vec::new();
        for code in Self::codes(list) {
            let c = Self::from_code(code).ok_or_else(|| {
                format!("“{code}”不是 GB 18218-2018 表2 的危险性类别代号(如 W5.3、J2)。")
            })?;
            if !out.contains(&c) {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Whether a stored list ("J2,W5.3", "w5.3 、J2") names `self` (what
    /// the class picker shows as ticked).
    pub fn listed_in(self, list: &str) -> bool {
        Self::codes(list).any(|c| Self::from_code(c) == Some(self))
    }

    /// `list` with `self` ticked (`on`) or not, as the picker stores it: the
    /// known codes in Table 2's order, comma-separated. Unknown codes go
    /// (the picker cannot show them; their message is then gone too).
    pub fn toggled_in(self, list: &str, on: bool) -> String {
        Self::ALL
            .into_iter()
            .filter(|c| if *c == self { on } else { c.listed_in(list) })
            .map(HazardClass::code)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// One row of Table 1 (a named substance), with the classes we assign it
/// for β when Table 3 does not name it (its principal GHS hazards).
#[derive(Debug)]
pub struct Named {
    pub no: u8,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub cas: &'static [&'static str],
    /// Q in tonnes × 1000.
    q_kg: u64,
    /// β × 2 from Table 3, when the substance is named there.
    beta2: Option<u64>,
    classes: &'static [HazardClass],
}

const fn n(
    no: u8,
    name: &'static str,
    aliases: &'static [&'static str],
    cas: &'static [&'static str],
    q_kg: u64,
    beta2: Option<u64>,
    classes: &'static [HazardClass],
) -> Named {
    Named {
        no,
        name,
        aliases,
        cas,
        q_kg,
        beta2,
        classes,
    }
}

/// Table 1 rows that hold only under a condition of content or form (甲醛
/// over 90 %, 无水 氯化氢, 硝酸 over 70 %, the 硝化纤维素 and 硝酸铵 rows, …):
/// a CAS number alone does not pick them, since a solution has the same
/// number (盐酸 is 7647-01-0); the name must.
const CONDITIONAL: [u8; 13] = [8, 11, 37, 38, 39, 40, 41, 42, 43, 44, 45, 72, 81];

/// Table 1 of GB 18218-2018 (85 rows), Q in kilograms; β of Table 3.
pub static TABLE_1: [Named; 85] = [
    n(
        1,
        "氨",
        &["液氨", "氨气", "无水氨"],
        &["7664-41-7"],
        10_000,
        Some(4),
        &[W2, J3],
    ),
    n(2, "二氟化氧", &[], &["7783-41-7"], 1_000, None, &[J1, W4]),
    n(
        3,
        "二氧化氮",
        &[],
        &["10102-44-0"],
        1_000,
        Some(20),
        &[J3, W4],
    ),
    n(
        4,
        "二氧化硫",
        &["液体二氧化硫"],
        &["7446-09-5"],
        20_000,
        Some(4),
        &[J3],
    ),
    n(5, "氟", &["氟气"], &["7782-41-4"], 1_000, None, &[J1, W4]),
    n(6, "碳酰氯", &["光气"], &["75-44-5"], 300, Some(40), &[J1]),
    n(
        7,
        "环氧乙烷",
        &["氧化乙烯"],
        &["75-21-8"],
        10_000,
        Some(4),
        &[W2, J3],
    ),
    n(
        8,
        "甲醛(含量>90%)",
        &[],
        &["50-00-0"],
        5_000,
        None,
        &[W2, J3],
    ),
    n(
        9,
        "磷化氢",
        &["膦"],
        &["7803-51-2"],
        1_000,
        Some(40),
        &[J1, W2],
    ),
    n(
        10,
        "硫化氢",
        &[],
        &["7783-06-4"],
        5_000,
        Some(10),
        &[J3, W2],
    ),
    n(
        11,
        "氯化氢(无水)",
        &["无水氯化氢"],
        &["7647-01-0"],
        20_000,
        Some(6),
        &[J3],
    ),
    n(
        12,
        "氯",
        &["液氯", "氯气"],
        &["7782-50-5"],
        5_000,
        Some(8),
        &[J3, W4],
    ),
    n(
        13,
        "煤气(CO,CO和H₂、CH₄的混合物等)",
        &["煤气"],
        &[],
        20_000,
        None,
        &[W2, J3],
    ),
    n(
        14,
        "砷化氢",
        &["砷化三氢", "胂"],
        &["7784-42-1"],
        1_000,
        None,
        &[J1, W2],
    ),
    n(
        15,
        "锑化氢",
        &["锑化三氢", "䏲"],
        &["7803-52-3"],
        1_000,
        None,
        &[J3, W2],
    ),
    n(16, "硒化氢", &[], &["7783-07-5"], 1_000, None, &[J3, W2]),
    n(
        17,
        "溴甲烷",
        &["甲基溴"],
        &["74-83-9"],
        10_000,
        Some(6),
        &[J3],
    ),
    n(
        18,
        "丙酮氰醇",
        &["丙酮合氰化氢", "2-羟基异丁腈"],
        &["75-86-5"],
        20_000,
        None,
        &[J2],
    ),
    n(
        19,
        "丙烯醛",
        &["烯丙醛"],
        &["107-02-8"],
        20_000,
        None,
        &[W5_3, J2],
    ),
    n(
        20,
        "氟化氢",
        &["无水氟化氢"],
        &["7664-39-3"],
        1_000,
        Some(10),
        &[J3],
    ),
    n(
        21,
        "1-氯-2,3-环氧丙烷",
        &["环氧氯丙烷"],
        &["106-89-8"],
        20_000,
        None,
        &[W5_4, J5],
    ),
    n(
        22,
        "3-溴-1,2-环氧丙烷",
        &["环氧溴丙烷"],
        &["3132-64-7"],
        20_000,
        None,
        &[J5],
    ),
    n(
        23,
        "甲苯二异氰酸酯",
        &["TDI"],
        &["26471-62-5"],
        100_000,
        None,
        &[J5],
    ),
    n(
        24,
        "一氯化硫",
        &["二氯化二硫"],
        &["10025-67-9"],
        1_000,
        None,
        &[J5],
    ),
    n(
        25,
        "氰化氢",
        &["无水氢氰酸"],
        &["74-90-8"],
        1_000,
        Some(20),
        &[J1, W5_1],
    ),
    n(
        26,
        "三氧化硫",
        &["硫酸酐"],
        &["7446-11-9"],
        75_000,
        None,
        &[J5],
    ),
    n(
        27,
        "3-氨基丙烯",
        &["烯丙胺"],
        &["107-11-9"],
        20_000,
        None,
        &[W5_3, J5],
    ),
    n(28, "溴", &["溴素"], &["7726-95-6"], 20_000, None, &[J5]),
    n(
        29,
        "乙撑亚胺",
        &["氮丙啶", "吖丙啶"],
        &["151-56-4"],
        20_000,
        None,
        &[W5_3, J2],
    ),
    n(
        30,
        "异氰酸甲酯",
        &["甲基异氰酸酯"],
        &["624-83-9"],
        750,
        Some(40),
        &[W5_1, J2],
    ),
    n(31, "叠氮化钡", &[], &["18810-58-7"], 500, None, &[W1_1]),
    n(32, "叠氮化铅", &[], &["13424-46-9"], 500, None, &[W1_1]),
    n(33, "雷汞", &["雷酸汞"], &["628-86-4"], 500, None, &[W1_1]),
    n(
        34,
        "三硝基苯甲醚",
        &[],
        &["28653-16-9"],
        5_000,
        None,
        &[W1_1],
    ),
    n(
        35,
        "2,4,6-三硝基甲苯",
        &["TNT", "梯恩梯"],
        &["118-96-7"],
        5_000,
        None,
        &[W1_1],
    ),
    n(
        36,
        "硝化甘油",
        &["硝酸甘油"],
        &["55-63-0"],
        1_000,
        None,
        &[W1_1],
    ),
    n(
        37,
        "硝化纤维素(干的或含水或乙醇<25%)",
        &[],
        &[],
        1_000,
        None,
        &[W1_1],
    ),
    n(
        38,
        "硝化纤维素(未改型的,或增塑的,含增塑剂<18%)",
        &[],
        &[],
        1_000,
        None,
        &[W1_1],
    ),
    n(
        39,
        "硝化纤维素(含乙醇≥25%)",
        &[],
        &[],
        10_000,
        None,
        &[W1_2],
    ),
    n(40, "硝化纤维素(含氮≤12.6%)", &[], &[], 50_000, None, &[W10]),
    n(41, "硝化纤维素(含水≥25%)", &[], &[], 50_000, None, &[W10]),
    n(
        42,
        "硝化纤维素溶液(含氮量≤12.6%,含硝化纤维素≤55%)",
        &[],
        &[],
        50_000,
        None,
        &[W5_3],
    ),
    n(
        43,
        "硝酸铵(含可燃物>0.2%,包括以碳计算的任何有机物,但不包括任何其他添加剂)",
        &[],
        &["6484-52-2"],
        5_000,
        None,
        &[W1_1],
    ),
    n(
        44,
        "硝酸铵(含可燃物≤0.2%)",
        &[],
        &["6484-52-2"],
        50_000,
        None,
        &[W9_2],
    ),
    n(
        45,
        "硝酸铵肥料(含可燃物≤0.4%)",
        &["硝酸铵肥料"],
        &[],
        200_000,
        None,
        &[W9_2],
    ),
    n(46, "硝酸钾", &[], &["7757-79-1"], 1_000_000, None, &[W9_2]),
    n(
        47,
        "1,3-丁二烯",
        &["丁二烯"],
        &["106-99-0"],
        5_000,
        None,
        &[W2],
    ),
    n(48, "二甲醚", &["甲醚"], &["115-10-6"], 50_000, None, &[W2]),
    n(
        49,
        "甲烷,天然气",
        &["甲烷", "天然气", "液化天然气", "LNG", "压缩天然气", "CNG"],
        &["74-82-8", "8006-14-2"],
        50_000,
        None,
        &[W2],
    ),
    n(
        50,
        "氯乙烯",
        &["乙烯基氯"],
        &["75-01-4"],
        50_000,
        None,
        &[W2],
    ),
    n(51, "氢", &["氢气"], &["1333-74-0"], 5_000, None, &[W2]),
    n(
        52,
        "液化石油气(含丙烷、丁烷及其混合物)",
        &["液化石油气", "液化气", "LPG", "石油气", "丙烷", "丁烷"],
        &["68476-85-7", "74-98-6", "106-97-8"],
        50_000,
        None,
        &[W2],
    ),
    n(53, "一甲胺", &["甲胺"], &["74-89-5"], 5_000, None, &[W2]),
    n(54, "乙炔", &["电石气"], &["74-86-2"], 1_000, None, &[W2]),
    n(55, "乙烯", &[], &["74-85-1"], 50_000, None, &[W2]),
    n(
        56,
        "氧(压缩的或液化的)",
        &["氧", "氧气", "液氧"],
        &["7782-44-7"],
        200_000,
        None,
        &[W4],
    ),
    n(57, "苯", &["纯苯"], &["71-43-2"], 50_000, None, &[W5_3]),
    n(58, "苯乙烯", &[], &["100-42-5"], 500_000, None, &[W5_4]),
    n(
        59,
        "丙酮",
        &["二甲基酮"],
        &["67-64-1"],
        500_000,
        None,
        &[W5_3],
    ),
    n(
        60,
        "2-丙烯腈",
        &["丙烯腈"],
        &["107-13-1"],
        50_000,
        None,
        &[W5_3, J5],
    ),
    n(61, "二硫化碳", &[], &["75-15-0"], 50_000, None, &[W5_3]),
    n(62, "环己烷", &[], &["110-82-7"], 500_000, None, &[W5_3]),
    n(
        63,
        "1,2-环氧丙烷",
        &["环氧丙烷", "氧化丙烯"],
        &["75-56-9"],
        10_000,
        None,
        &[W5_1],
    ),
    n(64, "甲苯", &[], &["108-88-3"], 500_000, None, &[W5_3]),
    n(
        65,
        "甲醇",
        &["木醇", "木精"],
        &["67-56-1"],
        500_000,
        None,
        &[W5_3],
    ),
    n(
        66,
        "汽油(乙醇汽油、甲醇汽油)",
        &[
            "汽油",
            "乙醇汽油",
            "甲醇汽油",
            "车用汽油",
            "92号汽油",
            "95号汽油",
            "98号汽油",
        ],
        &["86290-81-5"],
        200_000,
        None,
        &[W5_3],
    ),
    n(
        67,
        "乙醇",
        &["酒精", "无水乙醇"],
        &["64-17-5"],
        500_000,
        None,
        &[W5_3],
    ),
    n(68, "乙醚", &["二乙醚"], &["60-29-7"], 10_000, None, &[W5_1]),
    n(
        69,
        "乙酸乙酯",
        &["醋酸乙酯"],
        &["141-78-6"],
        500_000,
        None,
        &[W5_3],
    ),
    n(
        70,
        "正己烷",
        &["己烷"],
        &["110-54-3"],
        500_000,
        None,
        &[W5_3],
    ),
    n(
        71,
        "过乙酸",
        &["过氧乙酸"],
        &["79-21-0"],
        10_000,
        None,
        &[W7_2],
    ),
    n(
        72,
        "过氧化甲基乙基酮(10%<有效氧含量≤10.7%,含A型稀释剂≥48%)",
        &["过氧化甲乙酮"],
        &["1338-23-4"],
        10_000,
        None,
        &[W7_2],
    ),
    n(73, "白磷", &["黄磷"], &["12185-10-3"], 50_000, None, &[W8]),
    n(74, "烷基铝", &[], &[], 1_000, None, &[W8]),
    n(75, "戊硼烷", &[], &["19624-22-7"], 1_000, None, &[W8, J2]),
    n(76, "过氧化钾", &[], &["17014-71-0"], 20_000, None, &[W9_1]),
    n(
        77,
        "过氧化钠",
        &["双氧化钠"],
        &["1313-60-6"],
        20_000,
        None,
        &[W9_1],
    ),
    n(78, "氯酸钾", &[], &["3811-04-9"], 100_000, None, &[W9_1]),
    n(79, "氯酸钠", &[], &["7775-09-9"], 100_000, None, &[W9_1]),
    n(80, "发烟硝酸", &[], &["52583-42-3"], 20_000, None, &[W9_1]),
    n(
        81,
        "硝酸(发红烟的除外,含硝酸>70%)",
        &[],
        &["7697-37-2"],
        100_000,
        None,
        &[W9_2],
    ),
    n(82, "硝酸胍", &[], &["506-93-4"], 50_000, None, &[W9_2]),
    n(83, "碳化钙", &["电石"], &["75-20-7"], 100_000, None, &[W11]),
    n(84, "钾", &["金属钾"], &["7440-09-7"], 1_000, None, &[W11]),
    n(85, "钠", &["金属钠"], &["7440-23-5"], 10_000, None, &[W11]),
];

/// Common substances that Table 1 does not name, with the Table 2 class
/// they usually have, so a fuel station's 柴油 needs no class typed. The
/// user can always give another class (e.g. a diesel operated above its
/// boiling point is W5.1).
pub static USUAL_CLASS: &[(&str, &[&str], HazardClass)] = &[
    (
        "柴油(闭杯闪点≤60℃)",
        &["柴油", "轻柴油", "车用柴油", "0号柴油", "-10号柴油"],
        W5_4,
    ),
    ("煤油", &["航空煤油", "灯用煤油"], W5_4),
    ("石脑油", &[], W5_3),
    ("二甲苯", &["混二甲苯"], W5_4),
    ("乙酸丁酯", &["醋酸丁酯"], W5_4),
    ("异丙醇", &[], W5_3),
];

/// An edition of the standard, with the tables the rule reads: Table 1
/// (named substances, with Table 3's β), Tables 2 and 4 (Q and β by class)
/// and Table 5 (α). A revised standard is a new value in [`STANDARDS`].
#[derive(Debug)]
pub struct Standard {
    pub name: &'static str,
    /// Published (发布), as (year, month, day).
    pub published: (i32, u32, u32),
    /// In force from (实施), as (year, month, day).
    pub effective: (i32, u32, u32),
    /// Where the tables were taken from.
    pub source: &'static str,
    pub table_1: &'static [Named],
    /// Tables 2 and 4: a class's Q (t × 1000) and β × 2.
    classes: fn(HazardClass) -> (u64, u64),
    /// Table 5: (at least this many people exposed, α × 10), largest first.
    alpha: &'static [(u64, u64)],
}

impl Standard {
    /// Q of a class (Table 2), in grams.
    fn class_q_g(&self, c: HazardClass) -> u128 {
        u128::from((self.classes)(c).0) * 1_000
    }

    /// β × 2 of a class (Table 4).
    fn class_beta2(&self, c: HazardClass) -> u64 {
        (self.classes)(c).1
    }

    /// α × 10 by the number of people exposed outside the site (Table 5).
    fn alpha10(&self, people: u64) -> u64 {
        self.alpha
            .iter()
            .find(|(least, _)| people >= *least)
            .or(self.alpha.last())
            .map_or(10, |(_, a)| *a)
    }
}

/// Tables 2 and 4 of GB 18218-2018 (see [`HazardClass`]).
fn classes_2018(c: HazardClass) -> (u64, u64) {
    let (_, _, q_kg, beta2) = c.row();
    (q_kg, beta2)
}

static GB18218_2018: Standard = Standard {
    name: "GB 18218-2018《危险化学品重大危险源辨识》",
    published: (2018, 11, 19),
    effective: (2019, 3, 1),
    source: "GB 18218-2018 表1—表5(2018-11-19 发布,2019-03-01 实施,代替 GB 18218-2009)",
    table_1: &TABLE_1,
    classes: classes_2018,
    alpha: &[(100, 20), (50, 15), (30, 12), (1, 10), (0, 5)],
};

/// Every edition encoded, oldest first. GB 18218-2009 (in force until
/// 2019-02-28) is not: a day before 2019-03-01 gets the oldest edition
/// kept, GB 18218-2018, since a unit is identified by the edition in force
/// when it is declared and nothing is declared for those days any more.
pub static STANDARDS: [&Standard; 1] = [&GB18218_2018];

/// The newest edition encoded (what a record is identified by).
pub fn current() -> &'static Standard {
    in_force(&STANDARDS, (9999, 12, 31))
}

/// The edition in force on `day` (see [`STANDARDS`] for days before the first).
pub fn standard_at(day: Date) -> &'static Standard {
    in_force(&STANDARDS, (day.year(), day.month(), day.day()))
}

/// The last of `editions` (oldest first) in force on `day`, else the oldest.
fn in_force<'a>(editions: &[&'a Standard], day: (i32, u32, u32)) -> &'a Standard {
    editions
        .iter()
        .rev()
        .find(|s| s.effective <= day)
        .or(editions.first())
        .copied()
        .unwrap_or(&GB18218_2018)
}

/// How much of a substance a unit holds, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityUnit {
    #[default]
    Tonne,
    Kilogram,
    /// Cubic metres, with a density in t/m³.
    CubicMetre,
}

impl QuantityUnit {
    pub const ALL: [QuantityUnit; 3] = [
        QuantityUnit::Tonne,
        QuantityUnit::Kilogram,
        QuantityUnit::CubicMetre,
    ];

    pub fn code(self) -> &'static str {
        match self {
            QuantityUnit::Tonne => "tonne",
            QuantityUnit::Kilogram => "kilogram",
            QuantityUnit::CubicMetre => "cubic_metre",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QuantityUnit::Tonne => "吨",
            QuantityUnit::Kilogram => "千克",
            QuantityUnit::CubicMetre => "立方米",
        }
    }

    pub fn from_code(code: &str) -> Option<QuantityUnit> {
        Self::ALL.into_iter().find(|u| u.code() == code)
    }
}

/// One hazardous chemical of a storage unit, as the enterprise typed it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredSubstance {
    pub name: String,
    /// CAS number; matched first.
    pub cas: String,
    /// Table 2 class codes, for a substance Table 1 does not name ("W5.4").
    pub classes: String,
    /// The design maximum quantity.
    pub amount: String,
    pub unit: QuantityUnit,
    /// t/m³, for an amount in cubic metres.
    pub density: String,
}

/// A 储存单元: a tank farm within its dike, or one warehouse building.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StorageUnit {
    pub name: String,
    /// People who may be exposed outside the site (Table 5's α).
    pub exposed: String,
    pub substances: Vec<StoredSubstance>,
}

/// Where a threshold came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QSource {
    Table1 { no: u8, name: &'static str },
    Table2(HazardClass),
}

impl QSource {
    pub fn text(&self) -> String {
        match self {
            QSource::Table1 { no, name } => format!("表1 第{no}项 {name}"),
            QSource::Table2(c) => format!("表2 {} {}", c.code(), c.description()),
        }
    }
}

/// One substance's share of the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub name: String,
    /// q and Q in grams.
    pub q_g: u128,
    pub threshold_g: u128,
    pub source: QSource,
    /// β × 2 and where it came from.
    pub beta2: u64,
    pub beta_source: String,
}

impl Share {
    pub fn q_text(&self) -> String {
        tonnes(self.q_g)
    }
    pub fn threshold_text(&self) -> String {
        tonnes(self.threshold_g)
    }
    /// q/Q to four decimals.
    pub fn ratio_text(&self) -> String {
        truncated(self.q_g, self.threshold_g, 4)
    }
    pub fn beta_text(&self) -> String {
        fixed(u128::from(self.beta2), 2, 1)
    }
}

/// 重大危险源分级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    One,
    Two,
    Three,
    Four,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::One, Grade::Two, Grade::Three, Grade::Four];

    /// As stored ("1" … "4").
    pub fn code(self) -> &'static str {
        match self {
            Grade::One => "1",
            Grade::Two => "2",
            Grade::Three => "3",
            Grade::Four => "4",
        }
    }

    pub fn from_code(code: &str) -> Option<Grade> {
        Self::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::One => "一级",
            Grade::Two => "二级",
            Grade::Three => "三级",
            Grade::Four => "四级",
        }
    }
}

/// What a record's computed 辨识 is stored as, for the directory: "0" not a
/// major hazard source, "1" … "4" its grade; None when not computed.
pub fn stored_code(major: bool, grade: Option<Grade>) -> &'static str {
    match (major, grade) {
        (true, Some(g)) => g.code(),
        _ => "0",
    }
}

/// The directory's 重大危险源 filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HazardFilter {
    #[default]
    Any,
    Major,
    Grade(Grade),
    NotMajor,
    NotComputed,
}

impl HazardFilter {
    pub fn all() -> Vec<HazardFilter> {
        let mut v = vec![HazardFilter::Any, HazardFilter::Major];
        v.extend(Grade::ALL.map(HazardFilter::Grade));
        v.extend([HazardFilter::NotMajor, HazardFilter::NotComputed]);
        v
    }

    pub fn code(self) -> &'static str {
        match self {
            HazardFilter::Any => "",
            HazardFilter::Major => "major",
            HazardFilter::Grade(g) => g.code(),
            HazardFilter::NotMajor => "none",
            HazardFilter::NotComputed => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HazardFilter::Any => "全部",
            HazardFilter::Major => "构成重大危险源(各级)",
            HazardFilter::Grade(g) => match g {
                Grade::One => "一级重大危险源",
                Grade::Two => "二级重大危险源",
                Grade::Three => "三级重大危险源",
                Grade::Four => "四级重大危险源",
            },
            HazardFilter::NotMajor => "不构成重大危险源",
            HazardFilter::NotComputed => "未填写储存单元",
        }
    }

    /// An unknown code is no filter.
    pub fn from_code(code: &str) -> HazardFilter {
        Self::all()
            .into_iter()
            .find(|f| f.code() == code)
            .unwrap_or(HazardFilter::Any)
    }
}

/// The identification (and, for a major hazard source, the grading) of one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identification {
    pub shares: Vec<Share>,
    /// S = s_num / s_den.
    s_num: u128,
    s_den: u128,
    /// α × 10.
    pub alpha10: u64,
    pub grade: Option<Grade>,
    /// R = r_num / r_den (α · Σ β q/Q).
    r_num: u128,
    r_den: u128,
}

impl Identification {
    pub fn is_major(&self) -> bool {
        self.s_num >= self.s_den
    }
    /// S and R are cut, not rounded, so a shown figure never crosses the
    /// line its result is on (0.99996 shows as 0.9999, not 1.0000).
    pub fn s_text(&self) -> String {
        truncated(self.s_num, self.s_den, 4)
    }
    pub fn r_text(&self) -> String {
        truncated(self.r_num, self.r_den, 2)
    }
    pub fn alpha_text(&self) -> String {
        fixed(u128::from(self.alpha10), 10, 1)
    }
    /// One line a user or a regulator can check by hand.
    pub fn summary(&self) -> String {
        match self.grade {
            Some(g) => format!(
                "S = {} ≥ 1,构成重大危险源;R = α × Σβq/Q = {},{}",
                self.s_text(),
                self.r_text(),
                g.label()
            ),
            None => format!("S = {} < 1,不构成重大危险源", self.s_text()),
        }
    }
}

/// A problem with one input of a storage unit, at its field.
pub type InputError = (UnitField, String);

/// A problem with one input of a stored substance, at its field.
pub type SubstanceError = (SubstanceField, String);

/// The most one row, and one unit in all, can plausibly hold (a warehouse
/// of a million tonnes is a unit typo).
const MAX_TONNES: u128 = 100_000;

/// Why a typed quantity is not a number the rule can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DecimalError {
    /// Not a plain decimal ("5吨", "1,000", "").
    NotANumber,
    /// More decimals than the unit is kept to (trailing zeros do not count).
    TooManyPlaces,
    /// More than 12 digits before the point.
    TooLarge,
}

/// A non-negative decimal with at most `places` decimals, scaled by 10^places.
fn decimal(input: &str, places: u32) -> Result<u128, DecimalError> {
    let s = normalize_text(input);
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(DecimalError::NotANumber);
    }
    // 67.5000000 is 67.5: only significant decimals count.
    let frac = frac.trim_end_matches('0');
    if frac.len() > places as usize {
        return Err(DecimalError::TooManyPlaces);
    }
    let int = int.trim_start_matches('0');
    if int.len() > 12 {
        return Err(DecimalError::TooLarge);
    }
    let parse = |digits: &str| -> Result<u128, DecimalError> {
        if digits.is_empty() {
            Ok(0)
        } else {
            digits.parse().map_err(|_| DecimalError::NotANumber)
        }
    };
    let int = parse(int)?;
    let mut f = parse(frac)?;
    for _ in frac.len()..places as usize {
        f *= 10;
    }
    Ok(int * 10u128.pow(places) + f)
}

/// `num/den` rounded half up to `places` decimals, trailing zeros kept.
fn fixed(num: u128, den: u128, places: u32) -> String {
    if den == 0 {
        return "—".into();
    }
    let scale = 10u128.pow(places);
    let v = (num * scale * 2 + den) / (den * 2);
    if places == 0 {
        return shown(v).to_string();
    }
    format!(
        "{}.{:0width$}",
        shown(v / scale),
        shown(v % scale),
        width = places as usize
    )
}

/// A figure to show, formatted as a `u64` (the browser bundle then needs no
/// `u128` formatting): an amount has at most 12 digits before the point, so
/// tonnes, ratios and their decimals fit (saturating, were one not to).
fn shown(v: u128) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// `num/den` cut to `places` decimals.
fn truncated(num: u128, den: u128, places: u32) -> String {
    if den == 0 {
        return "—".into();
    }
    let scale = 10u128.pow(places);
    let v = num * scale / den;
    format!(
        "{}.{:0width$}",
        shown(v / scale),
        shown(v % scale),
        width = places as usize
    )
}

/// Grams as tonnes, without trailing zeros.
fn tonnes(g: u128) -> String {
    let s = fixed(g, 1_000_000, 6);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn key(s: &str) -> String {
    normalize_text(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        // The names' Latin letters (LPG, CNG) are ASCII once half-width.
        .to_ascii_uppercase()
}

/// The Table 1 row for a CAS number or a name.
pub fn find_named(standard: &Standard, cas: &str, name: &str) -> Option<&'static Named> {
    let table: &'static [Named] = standard.table_1;
    let name = key(name);
    let named = |r: &&Named| {
        !name.is_empty() && (key(r.name) == name || r.aliases.iter().any(|a| key(a) == name))
    };
    let cas = cas_key(cas);
    let by_cas: Vec<&'static Named> = table
        .iter()
        .filter(|r| !cas.is_empty() && r.cas.iter().any(|c| cas_key(c) == cas))
        .filter(|r| !CONDITIONAL.contains(&r.no) || named(r))
        .collect();
    // One CAS number in several rows (硝酸铵 by its combustible content):
    // the row the name picks, otherwise the lowest threshold.
    if let Some(row) = by_cas
        .iter()
        .copied()
        .find(named)
        .or_else(|| by_cas.iter().copied().min_by_key(|r| r.q_kg))
    {
        return Some(row);
    }
    table.iter().find(named)
}

/// A CAS number as compared: checked, without leading zeros ("" when not valid).
fn cas_key(cas: &str) -> String {
    check_cas(cas)
        .map(|c| c.trim_start_matches('0').to_string())
        .unwrap_or_default()
}

/// The conditional Table 1 row a CAS number points to, if any.
fn conditional_row(standard: &Standard, cas: &str) -> Option<&'static Named> {
    let table: &'static [Named] = standard.table_1;
    let cas = cas_key(cas);
    table.iter().find(|r| {
        CONDITIONAL.contains(&r.no) && !cas.is_empty() && r.cas.iter().any(|c| cas_key(c) == cas)
    })
}

/// The usual Table 2 class of a common substance Table 1 does not name.
fn usual_class(name: &str) -> Option<(&'static str, HazardClass)> {
    let name = key(name);
    USUAL_CLASS
        .iter()
        .find(|(n, aliases, _)| key(n) == name || aliases.iter().any(|a| key(a) == name))
        .map(|(n, _, c)| (*n, *c))
}

/// What to do about an amount in `unit` that [`decimal`] refused.
fn amount_problem(unit: QuantityUnit, e: DecimalError) -> String {
    match e {
        DecimalError::NotANumber => "请填写数字,如 30 或 67.5(不要带单位,单位在右侧选择)。".into(),
        DecimalError::TooManyPlaces => match unit {
            QuantityUnit::Tonne => {
                "按吨填写时最多保留 6 位小数(即精确到克),如 67.5 或 0.000125:请删去多余的小数位。"
                    .into()
            }
            QuantityUnit::Kilogram => {
                "按千克填写时最多保留 3 位小数(即精确到克),如 1250.5:请删去多余的小数位。".into()
            }
            QuantityUnit::CubicMetre => {
                "按立方米填写时最多保留 3 位小数(即精确到升),如 30.5:请删去多余的小数位。".into()
            }
        },
        DecimalError::TooLarge => {
            "这个数量对一个储存单元来说不太可能,请核对数量和单位(吨、千克、立方米)。".into()
        }
    }
}

impl StoredSubstance {
    /// q in grams, or what to fix at which field.
    pub fn grams(&self) -> Result<u128, SubstanceError> {
        let at = |f, m: String| Err((f, m));
        if self.amount.trim().is_empty() {
            return at(SubstanceField::Amount, "请填写设计最大储存量。".into());
        }
        let g = match self.unit {
            QuantityUnit::Tonne => decimal(&self.amount, 6),
            QuantityUnit::Kilogram => decimal(&self.amount, 3),
            QuantityUnit::CubicMetre => {
                let litres = match decimal(&self.amount, 3) {
                    Ok(l) => l,
                    Err(e) => return at(SubstanceField::Amount, amount_problem(self.unit, e)),
                };
                if self.density.trim().is_empty() {
                    return at(
                        SubstanceField::Density,
                        "按立方米填写时请填写密度(吨/立方米),如汽油约 0.75、柴油约 0.85;或改按吨填写。"
                            .into(),
                    );
                }
                // litres × kg/m³ = grams.
                match decimal(&self.density, 3) {
                    Ok(d) if d > 0 && d <= 25_000 => Ok(litres * d),
                    Err(DecimalError::TooManyPlaces) => {
                        return at(
                            SubstanceField::Density,
                            "密度最多保留 3 位小数(吨/立方米),如 0.755:请删去多余的小数位。".into(),
                        )
                    }
                    _ => {
                        return at(
                            SubstanceField::Density,
                            "密度请填写 0.001 至 25 之间的数字(吨/立方米)。".into(),
                        )
                    }
                }
            }
        };
        match g {
            Err(e) => at(SubstanceField::Amount, amount_problem(self.unit, e)),
            Ok(g) if g > MAX_TONNES * 1_000_000 => at(
                SubstanceField::Amount,
                format!(
                    "{} 吨对一个储存单元来说不太可能,请核对单位(吨、千克、立方米)。",
                    tonnes(g)
                ),
            ),
            Ok(g) => Ok(g),
        }
    }

    /// Q (grams), its source, β × 2 and its source.
    fn threshold(
        &self,
        standard: &Standard,
    ) -> Result<(String, u128, QSource, u64, String), SubstanceError> {
        let cas_given = !self.cas.trim().is_empty();
        if self.name.trim().is_empty() {
            return Err((SubstanceField::Name, "请填写危险化学品名称。".into()));
        }
        if cas_given {
            if let Err(m) = check_cas(&self.cas) {
                return Err((SubstanceField::Cas, m));
            }
        }
        let classes =
            HazardClass::parse_list(&self.classes).map_err(|m| (SubstanceField::Classes, m))?;
        if let Some(row) = find_named(standard, &self.cas, &self.name) {
            let (beta2, beta_source) = match row.beta2 {
                Some(b) => (b, "表3".to_string()),
                None => max_beta(standard, row.classes),
            };
            return Ok((
                row.name.to_string(),
                u128::from(row.q_kg) * 1_000,
                QSource::Table1 {
                    no: row.no,
                    name: row.name,
                },
                beta2,
                beta_source,
            ));
        }
        let (name, classes) = match (classes.is_empty(), usual_class(&self.name)) {
            (false, _) => (self.name.trim().to_string(), classes),
            (true, Some((n, c))) => (n.to_string(), vec![c]),
            (true, None) => {
                let what = if let Some(row) = conditional_row(standard, &self.cas) {
                    format!(
                        "CAS号 {} 对应表1第{}项“{}”,该项有含量或形态条件:符合时请在品名中选择“{}”;不符合时(如溶液、稀释品)请选择危险性类别。",
                        normalize_text(&self.cas),
                        row.no,
                        row.name,
                        row.name
                    )
                } else if cas_given {
                    format!(
                        "“{}”(CAS {})不在 GB 18218-2018 表1 中:请选择它的危险性类别(见其安全技术说明书第2部分)。",
                        self.name.trim(),
                        normalize_text(&self.cas)
                    )
                } else {
                    format!(
                        "“{}”不在 GB 18218-2018 表1 中:请填写它的 CAS 号,或选择危险性类别(见其安全技术说明书第2部分)。",
                        self.name.trim()
                    )
                };
                return Err((SubstanceField::Classes, what));
            }
        };
        // Several classes: the lowest Q (Table 2), the largest β (our rule).
        let lowest = classes
            .iter()
            .copied()
            .min_by_key(|c| standard.class_q_g(*c))
            .ok_or_else(|| (SubstanceField::Classes, "请选择危险性类别。".to_string()))?;
        let (beta2, beta_source) = max_beta(standard, &classes);
        Ok((
            name,
            standard.class_q_g(lowest),
            QSource::Table2(lowest),
            beta2,
            beta_source,
        ))
    }
}

/// The largest β × 2 of `classes` (Table 4), naming the class it came from.
fn max_beta(standard: &Standard, classes: &[HazardClass]) -> (u64, String) {
    classes
        .iter()
        .max_by_key(|c| standard.class_beta2(**c))
        .map(|c| (standard.class_beta2(*c), format!("表4 {}", c.code())))
        .unwrap_or((2, "表4".into()))
}

impl StorageUnit {
    /// The unit identified and graded, or every problem at its field
    /// (`substances.{i}.{field}`, `exposed`, `name`, or `substances`).
    pub fn identify(&self, standard: &Standard) -> Result<Identification, Vec<InputError>> {
        let mut errors: Vec<InputError> = Vec::new();
        if self.name.trim().is_empty() {
            errors.push((
                UnitField::Name,
                "请填写储存单元名称,如“1号仓库”或“储罐区”。".into(),
            ));
        }
        let people = match self.exposed.trim() {
            "" => {
                errors.push((
                    UnitField::Exposed,
                    "请填写厂区边界外可能暴露的人员数量(估算,没有填0),用于分级。".into(),
                ));
                0
            }
            p => match decimal(p, 0).ok().and_then(|v| u64::try_from(v).ok()) {
                Some(v) => v,
                None => {
                    errors.push((
                        UnitField::Exposed,
                        "人员数量请填写整数,如 0、25 或 120。".into(),
                    ));
                    0
                }
            },
        };
        if self.substances.is_empty() {
            errors.push((
                UnitField::Substances,
                "请至少填写一种储存的危险化学品(点击“新增危险化学品”)。".into(),
            ));
        }
        let mut shares = Vec::new();
        for (i, s) in self.substances.iter().enumerate() {
            let q = s.grams();
            let t = s.threshold(standard);
            match (q, t) {
                (Ok(q_g), Ok((name, threshold_g, source, beta2, beta_source))) => {
                    shares.push(Share {
                        name,
                        q_g,
                        threshold_g,
                        source,
                        beta2,
                        beta_source,
                    })
                }
                (q, t) => {
                    for (f, m) in [q.err(), t.err()].into_iter().flatten() {
                        errors.push((UnitField::Substance(i, f), m));
                    }
                }
            }
        }
        // Many plausible rows can still add up to an implausible unit.
        let total: u128 = shares.iter().map(|s| s.q_g).sum();
        if errors.is_empty() && total > MAX_TONNES * 1_000_000 {
            errors.push((
                UnitField::Substances,
                format!(
                    "本储存单元合计 {} 吨,对一个罐区或一栋仓库来说不太可能:请核对各行的数量和单位(吨、千克、立方米);确实分属几个罐区或几栋仓库的,请分成几个储存单元填写(点击“新增储存单元”)。",
                    tonnes(total)
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(identify_shares(shares, standard.alpha10(people)))
    }
}

/// S, and R with its grade when S ≥ 1, of the shares (α × 10 given).
pub fn identify_shares(shares: Vec<Share>, alpha10: u64) -> Identification {
    let den = shares
        .iter()
        .fold(1u128, |l, s| l / gcd(l, s.threshold_g) * s.threshold_g);
    let s_num: u128 = shares.iter().map(|s| s.q_g * (den / s.threshold_g)).sum();
    let weighted: u128 = shares
        .iter()
        .map(|s| s.q_g * (den / s.threshold_g) * u128::from(s.beta2))
        .sum();
    // R = α10/10 · weighted/(2·den)
    let r_num = u128::from(alpha10) * weighted;
    let r_den = 20 * den;
    let grade = (s_num >= den).then(|| {
        if r_num >= 100 * r_den {
            Grade::One
        } else if r_num >= 50 * r_den {
            Grade::Two
        } else if r_num >= 10 * r_den {
            Grade::Three
        } else {
            Grade::Four
        }
    });
    Identification {
        shares,
        s_num,
        s_den: den,
        alpha10,
        grade,
        r_num,
        r_den,
    }
}

/// The units' overall result: a major hazard source when any unit is one,
/// with the highest grade among them.
pub fn overall(results: &[Identification]) -> (bool, Option<Grade>) {
    let grade = results.iter().filter_map(|r| r.grade).min();
    (grade.is_some(), grade)
}

/// The unit with the largest S (to four decimals; the first of equals).
pub fn largest_s(results: &[Identification]) -> Option<&Identification> {
    results
        .iter()
        .rev()
        .max_by_key(|r| r.s_num * 10_000 / r.s_den.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn std18() -> &'static Standard {
        standard_at(Date::new(2026, 12, 1).unwrap())
    }

    fn sub(name: &str, amount: &str) -> StoredSubstance {
        StoredSubstance {
            name: name.into(),
            amount: amount.into(),
            ..Default::default()
        }
    }

    fn unit(people: &str, subs: Vec<StoredSubstance>) -> StorageUnit {
        StorageUnit {
            name: "1号仓库".into(),
            exposed: people.into(),
            substances: subs,
        }
    }

    fn id(people: &str, subs: Vec<StoredSubstance>) -> Identification {
        unit(people, subs).identify(std18()).unwrap()
    }

    /// S and R of `v` are exactly the decimals `s` and `r` (compared as
    /// fractions, not as the shown text, which is cut), and shown as such.
    fn exactly(v: &Identification, s: &str, r: &str) {
        let s_scaled = decimal(s, 6).unwrap();
        let r_scaled = decimal(r, 6).unwrap();
        assert_eq!(
            v.s_num * 1_000_000,
            s_scaled * v.s_den,
            "S is not {s}: {v:?}"
        );
        assert_eq!(
            v.r_num * 1_000_000,
            r_scaled * v.r_den,
            "R is not {r}: {v:?}"
        );
        assert_eq!(
            (decimal(&v.s_text(), 6), decimal(&v.r_text(), 6)),
            (Ok(s_scaled), Ok(r_scaled))
        );
    }

    #[test]
    fn table_1_is_complete_numbered_and_its_cas_numbers_check() {
        for (i, row) in TABLE_1.iter().enumerate() {
            assert_eq!(usize::from(row.no), i + 1, "{}", row.name);
            for cas in row.cas {
                assert_eq!(check_cas(cas).as_deref(), Ok(*cas), "{}", row.name);
            }
            assert!(!row.classes.is_empty(), "{}", row.name);
        }
        // Every alias leads to one row only.
        for row in &TABLE_1 {
            for a in row.aliases {
                let hits: Vec<u8> = TABLE_1
                    .iter()
                    .filter(|r| key(r.name) == key(a) || r.aliases.iter().any(|b| key(b) == key(a)))
                    .map(|r| r.no)
                    .collect();
                assert_eq!(hits, vec![row.no], "alias {a}");
            }
        }
    }

    #[test]
    fn worked_examples_of_the_notes() {
        // V1: a fuel station, 汽油 3×30 m³ at 0.75 and 柴油 2×30 m³ at 0.85.
        let petrol = StoredSubstance {
            unit: QuantityUnit::CubicMetre,
            density: "0.75".into(),
            ..sub("汽油", "90")
        };
        let diesel = StoredSubstance {
            unit: QuantityUnit::CubicMetre,
            density: "0.85".into(),
            ..sub("柴油", "60")
        };
        let v1 = id("30", vec![petrol, diesel]);
        assert_eq!(v1.shares[0].q_text(), "67.5");
        assert_eq!(v1.shares[1].q_text(), "51");
        assert_eq!(v1.shares[1].threshold_text(), "5000");
        assert_eq!(v1.shares[1].source, QSource::Table2(W5_4));
        assert_eq!(v1.s_text(), "0.3477");
        assert!(!v1.is_major());
        assert_eq!(v1.grade, None);
        // V2: exactly S = 1.
        let v2 = id("10", vec![sub("汽油", "100"), sub("甲醇", "250")]);
        assert!(v2.is_major());
        assert_eq!(
            (v2.s_text().as_str(), v2.r_text().as_str(), v2.grade),
            ("1.0000", "1.00", Some(Grade::Four))
        );
        // V3
        let v3 = id("120", vec![sub("汽油", "160"), sub("甲醇", "250")]);
        assert_eq!(
            (v3.s_text().as_str(), v3.r_text().as_str(), v3.grade),
            ("1.3000", "2.60", Some(Grade::Four))
        );
        // V4: 液氯 (β 4) and 液氨 (β 2), α 1.5.
        let v4 = id("60", vec![sub("液氯", "20"), sub("液氨", "50")]);
        assert_eq!(
            (v4.s_text().as_str(), v4.r_text().as_str(), v4.grade),
            ("9.0000", "39.00", Some(Grade::Three))
        );
        // V5
        let v5 = id("200", vec![sub("液氯", "100")]);
        assert_eq!(
            (v5.s_text().as_str(), v5.r_text().as_str(), v5.grade),
            ("20.0000", "160.00", Some(Grade::One))
        );
        // V6: LPG, nobody exposed (α 0.5).
        let v6 = id("0", vec![sub("液化石油气", "400")]);
        assert_eq!(
            (v6.s_text().as_str(), v6.r_text().as_str(), v6.grade),
            ("8.0000", "6.00", Some(Grade::Four))
        );
        // V7–V9: the grade boundaries are inclusive, R exactly on them.
        for (amount, s, r, grade) in [
            ("25", "2.5000", "10.00", Grade::Three),
            ("125", "12.5000", "50.00", Grade::Two),
            ("250", "25.0000", "100.00", Grade::One),
        ] {
            let v = id("100", vec![sub("液氨", amount)]);
            assert_eq!(
                (v.s_text().as_str(), v.r_text().as_str(), v.grade),
                (s, r, Some(grade)),
                "液氨 {amount} t"
            );
            exactly(&v, s, r);
        }
        // Every graded vector, exactly (V2–V6).
        for (v, s, r) in [
            (&v2, "1", "1"),
            (&v3, "1.3", "2.6"),
            (&v4, "9", "39"),
            (&v5, "20", "160"),
            (&v6, "8", "6"),
        ] {
            exactly(v, s, r);
        }
        // Just below each boundary.
        assert_eq!(
            id("100", vec![sub("液氨", "24.999")]).grade,
            Some(Grade::Four)
        );
        assert_eq!(
            id("100", vec![sub("液氨", "124.999")]).grade,
            Some(Grade::Three)
        );
        assert_eq!(
            id("100", vec![sub("液氨", "249.999")]).grade,
            Some(Grade::Two)
        );
        // V10: just below Q.
        let v10 = id("0", vec![sub("液氨", "9.999")]);
        assert_eq!((v10.s_text().as_str(), v10.is_major()), ("0.9999", false));
    }

    #[test]
    fn single_substance_at_exactly_q_and_mixtures_around_one() {
        assert!(id("0", vec![sub("甲醇", "500")]).is_major());
        assert!(!id("0", vec![sub("甲醇", "499.999999")]).is_major());
        // 0.5 + 0.499999… < 1 although it rounds to 1.0000.
        let below = id("0", vec![sub("汽油", "100"), sub("甲醇", "249.9999")]);
        assert!(!below.is_major());
        assert_eq!(below.s_text(), "0.9999");
        assert!(id("0", vec![sub("汽油", "100"), sub("甲醇", "250.000001")]).is_major());
        // Thresholds below a tonne: 光气 0.3 t, 异氰酸甲酯 0.75 t.
        assert!(id("0", vec![sub("光气", "0.15"), sub("异氰酸甲酯", "0.375")]).is_major());
    }

    #[test]
    fn cas_first_then_name_then_class() {
        // Found by CAS alone, whatever the name says.
        let s = StoredSubstance {
            cas: "67-56-1".into(),
            ..sub("工业原料A", "1")
        };
        let r = id("0", vec![s]);
        assert_eq!(
            r.shares[0].source,
            QSource::Table1 {
                no: 65,
                name: "甲醇"
            }
        );
        // One CAS number, two rows: the name picks, otherwise the lower Q.
        let nitrate = |name: &str| StoredSubstance {
            cas: "6484-52-2".into(),
            ..sub(name, "1")
        };
        let asks = unit("0", vec![nitrate("硝酸铵")])
            .identify(std18())
            .unwrap_err();
        assert!(asks[0].1.contains("该项有含量或形态条件"), "{asks:?}");
        assert_eq!(
            id("0", vec![nitrate("硝酸铵(含可燃物≤0.2%)")]).shares[0].threshold_text(),
            "50"
        );
        // 盐酸 has the CAS number of 无水氯化氢 but is not that row; with its class it is Table 2.
        let acid = StoredSubstance {
            cas: "7647-01-0".into(),
            ..sub("盐酸", "30")
        };
        let asks = unit("0", vec![acid.clone()]).identify(std18()).unwrap_err();
        assert!(asks[0].1.contains("氯化氢(无水)"), "{asks:?}");
        let acid = StoredSubstance {
            classes: "J5".into(),
            ..acid
        };
        assert_eq!(id("0", vec![acid]).shares[0].source, QSource::Table2(J5));
        // Leading zeros in a CAS number do not matter.
        let s = StoredSubstance {
            cas: "0067-56-1".into(),
            ..sub("工业原料B", "1")
        };
        assert_eq!(id("0", vec![s]).shares[0].threshold_text(), "500");
        // A name with full-width characters and spaces.
        let r = id("0", vec![sub(" 液 氯 ", "1")]);
        assert_eq!(r.shares[0].threshold_text(), "5");
        // Not in Table 1: the class decides, the lowest Q of several.
        let s = StoredSubstance {
            classes: "W5.3, J2".into(),
            ..sub("某溶剂", "25")
        };
        let r = id("0", vec![s]);
        assert_eq!(r.shares[0].source, QSource::Table2(J2));
        assert_eq!(r.shares[0].threshold_text(), "50");
        // β: the largest of the classes (J2 β 1, W5.3 β 1 → 1; J1 β 4).
        let s = StoredSubstance {
            classes: "W5.3,J1".into(),
            ..sub("某有毒可燃液体", "10")
        };
        let r = id("10", vec![s]);
        assert_eq!(
            (
                r.shares[0].threshold_text().as_str(),
                r.shares[0].beta_text().as_str()
            ),
            ("5", "4.0")
        );
        assert_eq!(r.r_text(), "8.00");
    }

    #[test]
    fn each_problem_says_what_to_do_at_its_field() {
        let errs = unit(
            "",
            vec![
                sub("不明物质", "5"),
                sub("甲醇", ""),
                StoredSubstance {
                    unit: QuantityUnit::CubicMetre,
                    ..sub("汽油", "30")
                },
                sub("甲醇", "1000000"),
                StoredSubstance {
                    cas: "67-56-2".into(),
                    ..sub("甲醇", "1")
                },
                sub("甲醇", "5吨"),
            ],
        )
        .identify(std18())
        .unwrap_err();
        let at = |f: &str| {
            errs.iter()
                .find(|(k, _)| k.to_string() == f)
                .map(|(_, m)| m.clone())
                .unwrap_or_else(|| panic!("nothing at {f}: {errs:?}"))
        };
        assert!(at("exposed").contains("暴露"));
        assert!(at("substances.0.classes").contains("CAS"));
        assert!(at("substances.1.amount").contains("请填写设计最大储存量"));
        assert!(at("substances.2.density").contains("密度"));
        assert!(at("substances.3.amount").contains("请核对单位"));
        assert!(at("substances.4.cas").contains("校验位"));
        assert!(at("substances.5.amount").contains("不要带单位"));
        assert!(unit("0", vec![]).identify(std18()).unwrap_err()[0].0 == UnitField::Substances);
    }

    #[test]
    fn too_many_decimals_say_how_many_are_kept() {
        let amount = |unit: QuantityUnit, amount: &str| {
            StoredSubstance {
                unit,
                density: "0.75".into(),
                ..sub("甲醇", amount)
            }
            .grams()
        };
        let message = |r: Result<u128, SubstanceError>| r.unwrap_err().1;
        let t = message(amount(QuantityUnit::Tonne, "1.0000001"));
        assert!(t.contains("最多保留 6 位小数") && t.contains("删去"), "{t}");
        assert!(!t.contains("请填写数字"), "{t}");
        let kg = message(amount(QuantityUnit::Kilogram, "12.3456"));
        assert!(kg.contains("最多保留 3 位小数"), "{kg}");
        let m3 = message(amount(QuantityUnit::CubicMetre, "30.1234"));
        assert!(
            m3.contains("最多保留 3 位小数") && m3.contains("升"),
            "{m3}"
        );
        // Trailing zeros are no extra precision.
        assert_eq!(amount(QuantityUnit::Tonne, "67.50000000"), Ok(67_500_000));
        assert_eq!(amount(QuantityUnit::Kilogram, "0.0010"), Ok(1));
        // The density has its own message.
        let d = StoredSubstance {
            unit: QuantityUnit::CubicMetre,
            density: "0.7512".into(),
            ..sub("汽油", "30")
        }
        .grams()
        .unwrap_err();
        assert_eq!(d.0, SubstanceField::Density);
        assert!(d.1.contains("最多保留 3 位小数"), "{}", d.1);
        // Not a number at all is still asked as a number.
        assert!(message(amount(QuantityUnit::Tonne, "1.2.3")).contains("请填写数字"));
        // Too many digits to be a quantity: check the unit.
        assert!(message(amount(QuantityUnit::Tonne, "1234567890123")).contains("请核对"));
        // Leading zeros are not digits too many.
        assert_eq!(
            amount(QuantityUnit::Tonne, "0000000000000000001"),
            Ok(1_000_000)
        );
    }

    #[test]
    fn a_unit_whose_rows_add_up_to_an_implausible_total_is_questioned() {
        let rows = |n: usize, each: &str| (0..n).map(|_| sub("甲醇", each)).collect::<Vec<_>>();
        // Each row 90,000 t is possible; two of them in one warehouse are not.
        let errs = unit("0", rows(2, "90000")).identify(std18()).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].0, UnitField::Substances);
        assert!(
            errs[0].1.contains("合计 180000 吨") && errs[0].1.contains("请核对"),
            "{}",
            errs[0].1
        );
        // Exactly the limit in all is still identified.
        assert!(id("0", rows(2, "50000")).is_major());
        // A row that is itself implausible is named at its row, not twice.
        let errs = unit("0", vec![sub("甲醇", "90000"), sub("甲醇", "1000000")])
            .identify(std18())
            .unwrap_err();
        assert_eq!(
            errs.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>(),
            vec!["substances.1.amount"]
        );
    }

    #[test]
    fn the_edition_is_chosen_by_date_and_names_its_source() {
        let day = |y, m, d| Date::new(y, m, d).unwrap();
        let s = standard_at(day(2019, 3, 1));
        assert_eq!((s.published, s.effective), ((2018, 11, 19), (2019, 3, 1)));
        assert!(s.name.contains("GB 18218-2018") && s.source.contains("2019-03-01"));
        // GB 18218-2009 is not encoded: earlier days get the oldest edition kept.
        assert!(std::ptr::eq(standard_at(day(2019, 2, 28)), s));
        assert!(std::ptr::eq(current(), s));
        // A later edition takes over on its effective date, not before.
        static NEXT: Standard = Standard {
            name: "GB 18218-20XX",
            published: (2030, 6, 1),
            effective: (2031, 1, 1),
            source: "test",
            table_1: &TABLE_1,
            classes: classes_2018,
            alpha: &[(0, 10)],
        };
        let editions = [&GB18218_2018, &NEXT];
        assert!(std::ptr::eq(in_force(&editions, (2030, 12, 31)), s));
        assert!(std::ptr::eq(in_force(&editions, (2031, 1, 1)), &NEXT));
        assert!(std::ptr::eq(in_force(&editions, (2018, 1, 1)), s));
        // Table 5 comes from the edition too.
        assert_eq!(
            [0, 1, 29, 30, 49, 50, 99, 100, 5000].map(|p| s.alpha10(p)),
            [5, 10, 10, 12, 12, 15, 15, 20, 20]
        );
        assert_eq!(NEXT.alpha10(500), 10);
    }

    #[test]
    fn the_class_picker_reads_and_writes_a_list_of_several_classes() {
        // A stored list shows its classes ticked, however it was typed.
        for stored in ["J2,W5.3", "w5.3、 J2", "W5.3,J2"] {
            let ticked: Vec<HazardClass> = HazardClass::ALL
                .into_iter()
                .filter(|c| c.listed_in(stored))
                .collect();
            assert_eq!(ticked, vec![J2, W5_3], "{stored}");
        }
        // Ticking adds in Table 2's order, unticking removes, the rule reads the result.
        assert_eq!(W1_1.toggled_in("J2,W5.3", true), "J2,W1.1,W5.3");
        assert_eq!(J2.toggled_in("J2,W5.3", false), "W5.3");
        assert_eq!(W5_3.toggled_in("W5.3", false), "");
        assert_eq!(J1.toggled_in("", true), "J1");
        assert_eq!(J2.toggled_in("J2", true), "J2");
        assert_eq!(
            HazardClass::parse_list(&J1.toggled_in("W5.3", true)),
            Ok(vec![J1, W5_3])
        );
        // An unknown code typed elsewhere is not shown and not kept.
        assert!(!HazardClass::ALL.iter().any(|c| c.listed_in("X9")));
        assert_eq!(J2.toggled_in("X9,W5.3", true), "J2,W5.3");
    }

    #[test]
    fn the_highest_grade_of_the_units_counts() {
        let a = id("0", vec![sub("甲醇", "100")]);
        let b = id("200", vec![sub("液氯", "100")]);
        assert_eq!(overall(&[a.clone(), b]), (true, Some(Grade::One)));
        assert_eq!(overall(&[a]), (false, None));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_never_negative_monotone_and_linear(
            // Up to 5 rows of 4,000 t (scaled), 2,000 t more: within the
            // 100,000 t a unit may plausibly hold.
            amounts in proptest::collection::vec(0u32..200_000, 1..6),
            extra in 0u32..2_000_000,
            k in 1u32..20,
            people in 0u32..500,
        ) {
            let names = ["汽油", "甲醇", "液氯", "液氨", "柴油", "光气"];
            let subs = |scale: u32, more: Option<u32>| {
                let mut v: Vec<StoredSubstance> = amounts
                    .iter()
                    .enumerate()
                    .map(|(i, a)| sub(names[i % names.len()], &format!("{}.{:03}", a * scale / 1000, a * scale % 1000)))
                    .collect();
                if let Some(e) = more {
                    v.push(sub("苯", &format!("{}.{:03}", e / 1000, e % 1000)));
                }
                v
            };
            let base = id(&people.to_string(), subs(1, None));
            let more = id(&people.to_string(), subs(1, Some(extra)));
            proptest::prop_assert!(more.s_num * base.s_den >= base.s_num * more.s_den);
            let scaled = id(&people.to_string(), subs(k, None));
            proptest::prop_assert_eq!(scaled.s_num * base.s_den, base.s_num * scaled.s_den * u128::from(k));
            proptest::prop_assert!(!base.s_text().starts_with('-') && !base.r_text().starts_with('-'));
        }

        #[test]
        fn arbitrary_input_never_panics(name in ".{0,20}", cas in ".{0,12}", classes in ".{0,12}", amount in ".{0,16}", density in ".{0,8}") {
            for unit in QuantityUnit::ALL {
                let s = StoredSubstance { name: name.clone(), cas: cas.clone(), classes: classes.clone(), amount: amount.clone(), unit, density: density.clone() };
                let _ = StorageUnit { name: "x".into(), exposed: "1".into(), substances: vec![s] }.identify(std18());
            }
        }
    }
}
