//! 所属地区 (GB/T 2260): what a region picker shows and how a region is
//! named in full. The code table itself is the server's.

use serde::{Deserialize, Serialize};

/// What a 所属地区 picker shows for a chosen code: the province and city it
/// lies in, and the lists of each level down to the counties of that city.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionLists {
    /// The code these lists were made for (the most specific level chosen).
    pub code: String,
    pub province: String,
    pub city: String,
    pub provinces: Vec<(String, String)>,
    pub cities: Vec<(String, String)>,
    pub counties: Vec<(String, String)>,
}

impl RegionLists {
    /// "江苏省 南京市 玄武区" for the chosen code, from the lists themselves.
    pub fn full_name(&self) -> String {
        let name = |list: &[(String, String)], code: &str| {
            list.iter()
                .find(|(c, _)| !code.is_empty() && c == code)
                .map(|(_, n)| n.clone())
        };
        [
            name(&self.provinces, &self.province),
            name(&self.cities, &self.city),
            name(&self.counties, &self.code),
        ]
        .into_iter()
        .flatten()
        .filter(|n| in_full_name(n))
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// Whether a region's name is part of a full name: 市辖区 and 县 are
/// placeholders for a municipality's districts and counties.
pub fn in_full_name(name: &str) -> bool {
    name != "市辖区" && name != "县"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(code: &str, name: &str) -> (String, String) {
        (code.into(), name.into())
    }

    #[test]
    fn placeholders_are_left_out_of_a_full_name() {
        let lists = RegionLists {
            code: "110101".into(),
            province: "110000".into(),
            city: "110100".into(),
            provinces: vec![pair("110000", "北京市")],
            cities: vec![pair("110100", "市辖区")],
            counties: vec![pair("110101", "东城区")],
        };
        assert_eq!(lists.full_name(), "北京市 东城区");
        assert!(!in_full_name("县"));
        assert!(in_full_name("玄武区"));
    }
}
