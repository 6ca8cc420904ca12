//! Today's date where the code runs: the server's (China Standard Time) or the browser's.

use crate::domain::Date;

pub fn today() -> Date {
    #[cfg(feature = "ssr")]
    {
        crate::server::today()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let d = js_sys::Date::new_0();
        Date::new(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
            .unwrap_or_else(|| Date::from_days_since_epoch(0))
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date::from_days_since_epoch((secs + 8 * 3600).div_euclid(86_400))
    }
}
