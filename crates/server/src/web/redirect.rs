//! Where a page may send the browser next (`?next=` after sign-in, `?back=`
//! after a language switch): only a path of this site, never another one.

use axum::http::uri::PathAndQuery;

/// The longest target kept; a longer one is nobody's real page.
const MAX_TARGET: usize = 2000;

/// `raw` as a same-origin absolute path (with its query), or `/`.
///
/// Browsers treat `//host`, `/\host` and a path with a tab or newline
/// removed (`/<TAB>/host` → `//host`) as another site, so a target is kept
/// only when it starts with one slash followed by neither a slash nor a
/// backslash, and has no control character or backslash anywhere. What is
/// left must parse as a URI path and query; characters outside ASCII are
/// percent-encoded so that the `Location` header is always valid.
pub fn local_target(raw: Option<&str>) -> String {
    let home = || "/".to_owned();
    let Some(raw) = raw else { return home() };
    let mut rest = raw.chars();
    let second = {
        if rest.next() != Some('/') {
            return home();
        }
        rest.next()
    };
    if matches!(second, Some('/' | '\\')) || raw.len() > MAX_TARGET || raw.chars().any(|c| c.is_control() || c == '\\')
    {
        return home();
    }
    let mut encoded = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_graphic() {
            encoded.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
    }
    match encoded.parse::<PathAndQuery>() {
        Ok(pq) if pq.as_str() == encoded && pq.path().starts_with('/') => encoded,
        _ => home(),
    }
}

#[cfg(test)]
mod tests {
    use super::local_target;

    #[test]
    fn paths_of_this_site_are_kept() {
        for ok in [
            "/",
            "/admin/coworking",
            "/admin/coworking?status=new&visitor=ma",
            "/a//b",
        ] {
            assert_eq!(local_target(Some(ok)), ok);
        }
        assert_eq!(
            local_target(Some("/admin/coworking?visitor=мар")),
            "/admin/coworking?visitor=%D0%BC%D0%B0%D1%80"
        );
    }

    #[test]
    fn anything_a_browser_could_read_as_another_site_goes_home() {
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ok\nSet-Cookie: x=1",
            "/a\\b",
            "https://evil.example/",
            "evil.example",
            "",
            "/\u{7f}/evil.example",
            "/\u{85}/evil.example",
        ] {
            assert_eq!(local_target(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_target(None), "/");
        assert_eq!(local_target(Some(&format!("/{}", "a".repeat(3000)))), "/");
    }
}
