//! A list page's filter as the user set it (the ticket, orders and people lists):
//! named text fields, the statuses ticked, and the page's cursor, read from
//! and written back to the page's address.

/// The filter's values, and what is wrong with them.
pub struct FilterValues {
    fields: Vec<(&'static str, String)>,
    /// The statuses ticked (wire names).
    pub statuses: Vec<String>,
    /// Each refused field's message, in the page's language.
    errors: Vec<(String, String)>,
}

impl FilterValues {
    /// Reads `names` (text fields), `status` (repeated or comma-separated)
    /// and `cursor` from a query string.
    pub fn from_query(raw: Option<&str>, names: &[&'static str]) -> (FilterValues, Option<String>) {
        let mut f = FilterValues {
            fields: names.iter().map(|n| (*n, String::new())).collect(),
            statuses: Vec::new(),
            errors: Vec::new(),
        };
        let mut cursor = None;
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let v = v.into_owned();
            match k.as_ref() {
                // Checkboxes repeat the name; the API takes a comma list.
                "status" => f
                    .statuses
                    .extend(v.split(',').filter(|s| !s.is_empty()).map(str::to_owned)),
                "cursor" => cursor = Some(v),
                name => {
                    if let Some(slot) = f.fields.iter_mut().find(|(n, _)| *n == name) {
                        slot.1 = v;
                    }
                }
            }
        }
        (f, cursor)
    }

    /// A text field's value ("" when not set).
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Takes the API's refusal of the filter: each field's message goes to
    /// its field; what names no field is answered, for the list's alert.
    pub fn refused(&mut self, problem: &crate::error::Problem, l: tessera_domain::Locale) -> Option<String> {
        let body = problem.render(l);
        if body.errors.is_empty() {
            return Some(body.detail);
        }
        self.errors = body.errors.into_iter().map(|e| (e.field, e.message)).collect();
        None
    }

    /// Refuses one field with a message of the catalogue.
    pub fn refuse(&mut self, field: &str, message: String) {
        self.errors.push((field.to_owned(), message));
    }

    /// The message of a refused field ("" when it is fine).
    pub fn error(&self, name: &str) -> &str {
        self.errors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.as_str())
            .unwrap_or("")
    }

    /// Whether anything is set: a field, a status.
    pub fn is_set(&self) -> bool {
        self.fields.iter().any(|(_, v)| !v.trim().is_empty()) || !self.statuses.is_empty()
    }

    /// Whether a field was refused.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// A text field's value, as the API's query takes it.
    pub fn param(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_owned())
    }

    /// The statuses as the API's comma list.
    pub fn status_param(&self) -> Option<String> {
        Some(self.statuses.join(","))
    }

    /// The filter as a query string (without the cursor).
    pub fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.fields {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        for s in &self.statuses {
            q.append_pair("status", s);
        }
        q.finish()
    }

    /// The filter as the API's query string: statuses as one comma list.
    pub fn api_query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.fields {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        if !self.statuses.is_empty() {
            q.append_pair("status", &self.statuses.join(","));
        }
        q.finish()
    }

    /// The pager's links on `path`: back to the first page (when not on it)
    /// and on to the next one (when there is one).
    pub fn pages(&self, path: &str, next: Option<String>, cursor: Option<&str>) -> (Option<String>, Option<String>) {
        let base = self.query();
        let sep = if base.is_empty() { "" } else { "&" };
        (
            cursor.map(|_| format!("{path}?{base}")),
            next.map(|c| format!("{path}?{base}{sep}cursor={}", super::format::url_encode(&c))),
        )
    }

    /// The status drop-down: each status with its words and whether it is
    /// ticked, and the ticked ones' words joined for the closed drop-down.
    pub fn status_choices(
        &self,
        all: impl IntoIterator<Item = (&'static str, &'static str)>,
    ) -> (Vec<(&'static str, &'static str, bool)>, String) {
        let choices: Vec<_> = all
            .into_iter()
            .map(|(key, text)| (key, text, self.statuses.iter().any(|x| x == key)))
            .collect();
        let summary = choices
            .iter()
            .filter(|c| c.2)
            .map(|c| c.1)
            .collect::<Vec<_>>()
            .join(", ");
        (choices, summary)
    }
}
