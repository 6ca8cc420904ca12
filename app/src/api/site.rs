//! Site-wide information shown on every page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteContact {
    pub service_phone: String,
    pub service_hours: String,
}

#[server(endpoint = "site_info")]
pub async fn site_info() -> Result<SiteContact, AppError> {
    let state = crate::server::AppState::get()?;
    Ok(SiteContact {
        service_phone: state.config.service_phone.clone(),
        service_hours: state.config.service_hours.clone(),
    })
}

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

/// The picker's lists for `code` (empty: the provinces only).
#[server(endpoint = "region-choices")]
pub async fn region_choices(code: String) -> Result<RegionLists, AppError> {
    Ok(crate::server::regions::choices(code.trim()))
}

/// The provinces (`parent` empty) or the children of a province or city, as (code, name).
#[server(endpoint = "regions")]
pub async fn regions(parent: String) -> Result<Vec<(String, String)>, AppError> {
    Ok(crate::server::regions::children(&parent)
        .into_iter()
        .map(|r| (r.code.to_string(), r.name.to_string()))
        .collect())
}
