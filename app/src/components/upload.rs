//! Sending a chosen file as the raw request body: checked in the browser
//! (size, type) first, checked again by its content on the server.

/// What the upload routes answer: the stored file, or why not.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UploadAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The file name as shown (no path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl UploadAnswer {
    pub fn stored(id: String, name: String, size: usize) -> UploadAnswer {
        UploadAnswer {
            id: Some(id),
            name: Some(name),
            size: Some(size),
            error: None,
        }
    }

    pub fn refused(message: &str) -> UploadAnswer {
        UploadAnswer {
            error: Some(message.to_string()),
            ..UploadAnswer::default()
        }
    }
}

/// Where scans (a licence's certificate, a case's materials) are sent.
pub const SCAN_ROUTE: &str = "/files/licence-scan";

/// The `on:change` of a scan's `<input type="file">`: checks the chosen file
/// in the browser (`what` names it in the message), sends it while
/// `uploading` is set, and hands the stored file's (id, name) to `stored`;
/// a problem is the form's message at `key`, cleared by a stored file.
pub fn on_scan_chosen(
    form: crate::components::field::FormState,
    key: String,
    what: &'static str,
    uploading: leptos::prelude::RwSignal<bool>,
    stored: impl Fn(String, String) + Clone + Send + Sync + 'static,
) -> impl Fn(leptos::ev::Event) + Clone + Send + Sync + 'static {
    move |ev| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::prelude::*;
            let say = {
                let key = key.clone();
                move |m: Option<String>| {
                    form.errors.update(|e| match m {
                        Some(m) => {
                            e.0.insert(key.clone(), m.into());
                        }
                        None => {
                            e.0.remove(&key);
                        }
                    })
                }
            };
            let Some(file) = chosen_file(&ev) else {
                return;
            };
            if let Err(m) = check_file(&file, what) {
                say(Some(m));
                return;
            }
            uploading.set(true);
            let stored = stored.clone();
            leptos::task::spawn_local(async move {
                let result = send_file(SCAN_ROUTE, file).await;
                uploading.set(false);
                match result {
                    Ok((id, name)) => {
                        stored(id, name);
                        say(None);
                    }
                    Err(m) => say(Some(m)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, form, &key, what, uploading, &stored);
    }
}

/// The file chosen in the `<input type="file">` of `ev`.
#[cfg(feature = "hydrate")]
pub fn chosen_file(ev: &leptos::ev::Event) -> Option<leptos::web_sys::File> {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
}

/// The browser's check of a file before it is sent; `what` names it in the message.
#[cfg(feature = "hydrate")]
pub fn check_file(file: &leptos::web_sys::File, what: &str) -> Result<(), String> {
    let lower = file.name().to_ascii_lowercase();
    if file.size() > crate::domain::enterprise_info::SCAN_MAX_BYTES as f64 {
        return Err(format!(
            "文件有 {:.1} MB,超过了 5 MB。请降低扫描分辨率或压缩后再上传。",
            file.size() / 1024.0 / 1024.0
        ));
    }
    if ![".pdf", ".jpg", ".jpeg", ".png"]
        .iter()
        .any(|x| lower.ends_with(x))
    {
        return Err(format!("只能上传 PDF、JPG 或 PNG 格式的{what}。"));
    }
    Ok(())
}

/// Posts `file` to `url` (which already carries its query, `name=` is
/// added); the stored file's (id, name), or the server's message.
#[cfg(feature = "hydrate")]
pub async fn send_file(url: &str, file: leptos::web_sys::File) -> Result<(String, String), String> {
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{sep}name={}", crate::url::urlencode(&file.name()));
    let resp = gloo_net::http::Request::post(&url)
        .body(leptos::wasm_bindgen::JsValue::from(file))
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let answer: UploadAnswer = resp.json().await.map_err(|e| e.to_string())?;
    match answer.id {
        Some(id) => Ok((id, answer.name.unwrap_or_default())),
        None => Err(answer.error.unwrap_or_else(|| "上传失败,请重试。".into())),
    }
}
