//! Merging communes, as the 2025 reorganisation did: the old communes'
//! content, documents, files, board history and visit totals move into the
//! new commune; each item remembers where it came from; the old addresses
//! become aliases that send every old URL to where its item now lives; and
//! the merge is recorded. All in the caller's transaction, so a merge lands
//! whole or not at all (a dry run is the same work, rolled back).
//!
//! What moves and how, where the two communes clash:
//! - sections: the new commune's section of the same path takes the old
//!   one's items; sections it lacks move over as they were;
//! - items and citizens' questions keep their address unless the new commune
//!   uses it already, in which case they get the old commune's slug added
//!   and the old address redirects to the new one;
//! - a week of the leaders' schedule both communes have becomes one week:
//!   the old week's entries join the new commune's;
//! - one-stop results of a month both have are added together;
//! - board accounts move as inactive accounts (their history stays theirs),
//!   or join the new commune's account with the same e-mail address;
//! - the old commune keeps its profile and officials, the record of who ran
//!   it, its links to state portals, its own templates, and its row, marked
//!   merged, so its slug keeps resolving; its menu and home page blocks
//!   mostly name its sections, and go with them, as its logo and banner go
//!   with its files (its site is no longer shown: its addresses redirect).
//!
//! Files stay where they are in the bucket: their keys are recorded with
//! them, so moving the rows moves them.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::audit;
use crate::error::TenancyError;
use crate::rows::{self, JsonRow, text_of, uuid_of};

/// The section citizens' questions live in (the content service's
/// `/hoi-dap/<slug>`).
const QUESTIONS_PATH: &str = "hoi-dap";

/// Tables whose rows stay with the old commune.
const STAYS: &[&str] = &[
    "site_profiles",
    "officials",
    "site_links",
    "yearly_reports",
    "template_overrides",
    "menu_entries",
    "home_blocks",
];

/// An old commune to merge, with the visits counted for it so far (in Redis,
/// which the caller reads: this crate knows only PostgreSQL).
#[derive(Debug, Clone)]
pub struct Source {
    pub slug: String,
    pub counted_visits: i64,
}

/// What a merge did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct Merge {
    pub into: Party,
    pub from: Vec<Moved>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Party {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

/// What moved out of one old commune.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    #[serde(flatten)]
    pub commune: Party,
    /// Rows moved, by table.
    pub rows: BTreeMap<String, usize>,
    /// Old addresses that now redirect elsewhere than the same path.
    pub renamed: Vec<Renamed>,
    /// Its domains, now aliases of the new commune.
    pub domains: Vec<String>,
    /// Board accounts that joined an account of the new commune with the
    /// same e-mail address.
    pub accounts_joined: usize,
    /// Weeks of the schedule folded into the new commune's week.
    pub weeks_folded: usize,
    /// Months of one-stop results added to the new commune's.
    pub months_added: usize,
    pub visits: i64,
}

impl Moved {
    /// Rows of one table that moved.
    pub fn count(&self, table: &str) -> usize {
        self.rows.get(table).copied().unwrap_or(0)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Renamed {
    pub from: String,
    pub to: String,
}

/// A commune taking part, locked for the rest of the transaction.
#[derive(Debug)]
struct Locked {
    id: Uuid,
    slug: String,
    name: String,
    status: String,
    visits_offset: i64,
}

impl Locked {
    fn party(&self) -> Party {
        Party {
            id: self.id,
            slug: self.slug.clone(),
            name: self.name.clone(),
        }
    }
}

/// Merges `sources` into the commune `into`.
pub async fn merge(
    conn: &mut PgConnection,
    into: &str,
    sources: &[Source],
    actor: &audit::Actor,
) -> Result<Merge, TenancyError> {
    if sources.is_empty() {
        return Err(TenancyError::MergeNothing);
    }
    let target = lock(conn, into).await?;
    let mut olds = Vec::new();
    let mut seen = HashSet::new();
    for source in sources {
        if source.slug == target.slug {
            return Err(TenancyError::MergeIntoItself(source.slug.clone()));
        }
        if !seen.insert(source.slug.as_str()) {
            return Err(TenancyError::MergeRepeated(source.slug.clone()));
        }
        olds.push((lock(conn, &source.slug).await?, source.counted_visits));
    }

    sqlx::query!("SET CONSTRAINTS ALL DEFERRED")
        .execute(&mut *conn)
        .await?;
    let mut house = House::load(conn, target.id).await?;
    let mut from = Vec::new();
    for (old, counted_visits) in &olds {
        from.push(move_one(conn, &target, old, *counted_visits, &mut house, actor).await?);
    }
    congxa_db::act_for(conn, None).await?;
    Ok(Merge {
        into: target.party(),
        from,
    })
}

/// Locks a commune that can take part in a merge: it exists, and is neither
/// suspended nor merged already.
async fn lock(conn: &mut PgConnection, slug: &str) -> Result<Locked, TenancyError> {
    let tenant = sqlx::query_as!(
        Locked,
        "SELECT id, slug, name, status, visits_offset FROM tenants WHERE slug = $1 FOR UPDATE",
        slug
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| TenancyError::TenantNotFound(slug.to_owned()))?;
    match tenant.status.as_str() {
        "suspended" => Err(TenancyError::MergeSuspended(tenant.slug)),
        "merged" => Err(TenancyError::TenantMerged(tenant.slug)),
        _ => Ok(tenant),
    }
}

/// The names the new commune already uses, kept up to date as communes move
/// in, so that two old communes cannot take the same one either.
struct House {
    sections: HashMap<String, Uuid>,
    item_slugs: HashSet<String>,
    question_slugs: HashSet<String>,
    question_codes: HashSet<String>,
    accounts: HashMap<String, Uuid>,
    /// Week start → (the week's item, its address).
    weeks: HashMap<String, (Uuid, String)>,
    months: HashSet<String>,
}

impl House {
    async fn load(conn: &mut PgConnection, tenant: Uuid) -> Result<Self, sqlx::Error> {
        congxa_db::act_for(conn, Some(tenant)).await?;
        let sections = sqlx::query!("SELECT path, id FROM sections")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| (r.path, r.id))
            .collect();
        let item_slugs: Vec<String> = sqlx::query_scalar!("SELECT slug FROM items")
            .fetch_all(&mut *conn)
            .await?;
        let questions = sqlx::query!("SELECT slug, code FROM questions")
            .fetch_all(&mut *conn)
            .await?;
        let accounts = sqlx::query!("SELECT email, id FROM board_accounts")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| (r.email, r.id))
            .collect();
        let weeks = sqlx::query!(
            r#"SELECT w.week_start::text AS "week!", i.id, s.path || '/' || i.slug AS "path!"
               FROM schedule_weeks w JOIN items i ON i.id = w.item_id
               JOIN sections s ON s.id = i.section_id"#
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.week, (r.id, r.path)))
        .collect();
        let months = sqlx::query_scalar!(r#"SELECT month::text AS "month!" FROM one_stop_results"#)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
        Ok(Self {
            sections,
            item_slugs: item_slugs.into_iter().collect(),
            question_slugs: questions.iter().map(|q| q.slug.clone()).collect(),
            question_codes: questions.into_iter().map(|q| q.code).collect(),
            accounts,
            weeks,
            months,
        })
    }
}

/// Old ids that stand for other ids in the new commune.
#[derive(Default)]
struct Mapping {
    accounts: HashMap<Uuid, Uuid>,
    sections: HashMap<Uuid, Uuid>,
    /// Items of folded weeks → the new commune's week item.
    folded: HashMap<Uuid, Uuid>,
}

impl Mapping {
    fn account(&self, row: &mut JsonRow, column: &str) {
        remap(row, column, &self.accounts);
    }
}

fn remap(row: &mut JsonRow, column: &str, map: &HashMap<Uuid, Uuid>) {
    if let Some(to) = uuid_of(row, column).and_then(|id| map.get(&id)) {
        row.insert(column.to_owned(), Value::String(to.to_string()));
    }
}

fn set(row: &mut JsonRow, column: &str, value: impl Into<Value>) {
    row.insert(column.to_owned(), value.into());
}

async fn move_one(
    conn: &mut PgConnection,
    target: &Locked,
    old: &Locked,
    counted_visits: i64,
    house: &mut House,
    actor: &audit::Actor,
) -> Result<Moved, TenancyError> {
    // Read everything the old commune has, then take it away from it.
    congxa_db::act_for(conn, Some(old.id)).await?;
    let mut data: BTreeMap<&str, Vec<JsonRow>> = BTreeMap::new();
    for table in rows::TABLES.iter().filter(|t| !STAYS.contains(t)) {
        data.insert(table, rows::dump(conn, table).await?);
    }
    for table in rows::TABLES.iter().rev().filter(|t| !STAYS.contains(t)) {
        rows::delete_all(conn, table).await?;
    }
    // Its board is signed out; its forms' flood counters mean nothing now.
    sqlx::query!("DELETE FROM board_sessions WHERE tenant_id = $1", old.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM form_submissions WHERE tenant_id = $1", old.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM used_form_stamps WHERE tenant_id = $1", old.id)
        .execute(&mut *conn)
        .await?;

    let mut map = Mapping::default();
    let mut moved = Moved {
        commune: old.party(),
        rows: BTreeMap::new(),
        renamed: Vec::new(),
        domains: Vec::new(),
        accounts_joined: 0,
        weeks_folded: 0,
        months_added: 0,
        visits: old.visits_offset + counted_visits,
    };
    let new = Value::String(target.id.to_string());
    let old_section_paths: HashMap<Uuid, String> = data["sections"]
        .iter()
        .filter_map(|s| Some((uuid_of(s, "id")?, text_of(s, "path").to_owned())))
        .collect();
    let mut take = |name: &str| data.remove(name).unwrap_or_default();

    let accounts = accounts(take("board_accounts"), &new, house, &mut map, &mut moved);
    let media: Vec<JsonRow> = take("media_files")
        .into_iter()
        .map(|mut row| {
            set(&mut row, "tenant_id", new.clone());
            row
        })
        .collect();
    let sections = sections(take("sections"), &new, house, &mut map);
    let items_rows = take("items");
    let weeks = fold_weeks(
        take("schedule_weeks"),
        &items_rows,
        &old_section_paths,
        &new,
        house,
        &mut map,
        &mut moved,
    );
    let items = items(
        items_rows,
        old,
        &old_section_paths,
        &new,
        house,
        &map,
        &mut moved,
    );
    let questions = questions(take("questions"), &new, house, &mut moved);
    let (months, sums) = one_stop(take("one_stop_results"), &new, house);
    moved.months_added = sums.len();

    let mut ready: Vec<(&str, Vec<JsonRow>)> = vec![
        ("board_accounts", accounts),
        ("media_files", media),
        ("sections", sections),
        ("items", items),
        ("schedule_weeks", weeks),
        ("questions", questions),
        ("one_stop_results", months),
    ];
    // Everything else hangs off items (and accounts): same rows, new commune.
    for (table, rows) in data {
        let rows = rows
            .into_iter()
            .filter_map(|mut row| {
                let item = uuid_of(&row, "item_id");
                match (table, item.and_then(|i| map.folded.get(&i))) {
                    ("schedule_entries", Some(week)) => {
                        set(&mut row, "item_id", week.to_string());
                    }
                    // The rest of a folded week (its history, its files)
                    // goes with it.
                    (_, Some(_)) => return None,
                    (_, None) => {}
                }
                set(&mut row, "tenant_id", new.clone());
                for column in ["saved_by", "actor_id", "account_id"] {
                    map.account(&mut row, column);
                }
                Some(row)
            })
            .collect();
        ready.push((table, rows));
    }

    // Write it all for the new commune, in the order parents come first.
    congxa_db::act_for(conn, Some(target.id)).await?;
    ready.sort_by_key(|(table, _)| rows::TABLES.iter().position(|t| t == table));
    for (table, rows) in &ready {
        rows::load(conn, table, rows).await?;
        moved.rows.insert((*table).to_owned(), rows.len());
    }
    for month in &sums {
        sqlx::query!(
            "UPDATE one_stop_results SET received = received + $2, on_time = on_time + $3,
                    late = late + $4, in_progress = in_progress + $5, online = online + $6
             WHERE month = $1::text::date",
            text_of(month, "month"),
            count_of(month, "received"),
            count_of(month, "on_time"),
            count_of(month, "late"),
            count_of(month, "in_progress"),
            count_of(month, "online"),
        )
        .execute(&mut *conn)
        .await?;
    }
    congxa_db::act_for(conn, None).await?;

    redirect_old_addresses(conn, target, old, &moved.renamed).await?;
    moved.domains = sqlx::query_scalar!(
        "UPDATE tenant_domains SET tenant_id = $1, is_primary = false,
                merged_from = COALESCE(merged_from, $2)
         WHERE tenant_id = $2 RETURNING domain",
        target.id,
        old.id
    )
    .fetch_all(&mut *conn)
    .await?;
    moved.domains.sort();
    sqlx::query!(
        "UPDATE tenants SET visits_offset = visits_offset + $2, updated_at = now() WHERE id = $1",
        target.id,
        moved.visits
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE tenants SET status = 'merged', merged_into = $2, updated_at = now() WHERE id = $1",
        old.id,
        target.id
    )
    .execute(&mut *conn)
    .await?;

    let details = serde_json::to_value(&moved).unwrap_or_default();
    sqlx::query!(
        "INSERT INTO tenant_merges (tenant_id, from_tenant_id, from_slug, from_name, actor, moved)
         VALUES ($1, $2, $3, $4, $5, $6)",
        target.id,
        old.id,
        old.slug,
        old.name,
        actor.name,
        details
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        "tenant.merge",
        Some(target.id),
        serde_json::json!({ "into": target.slug, "from": old.slug, "moved": details }),
    )
    .await?;
    Ok(moved)
}

/// Old accounts move over inactive, or join the account with the same
/// e-mail address.
fn accounts(
    rows: Vec<JsonRow>,
    new: &Value,
    house: &mut House,
    map: &mut Mapping,
    moved: &mut Moved,
) -> Vec<JsonRow> {
    rows.into_iter()
        .filter_map(|mut row| {
            let id = uuid_of(&row, "id")?;
            let email = text_of(&row, "email").to_owned();
            if let Some(&existing) = house.accounts.get(&email) {
                map.accounts.insert(id, existing);
                moved.accounts_joined += 1;
                return None;
            }
            house.accounts.insert(email, id);
            set(&mut row, "tenant_id", new.clone());
            set(&mut row, "active", false);
            Some(row)
        })
        .collect()
}

/// Sections the new commune has take the old one's items; the others move.
fn sections(rows: Vec<JsonRow>, new: &Value, house: &mut House, map: &mut Mapping) -> Vec<JsonRow> {
    // In path order, so a parent is mapped before its children.
    rows.into_iter()
        .filter_map(|mut row| {
            let id = uuid_of(&row, "id")?;
            let path = text_of(&row, "path").to_owned();
            if let Some(&existing) = house.sections.get(&path) {
                map.sections.insert(id, existing);
                return None;
            }
            house.sections.insert(path, id);
            set(&mut row, "tenant_id", new.clone());
            remap(&mut row, "parent_id", &map.sections);
            Some(row)
        })
        .collect()
}

/// Weeks of the schedule the new commune has too are folded into its week;
/// the others move.
fn fold_weeks(
    weeks: Vec<JsonRow>,
    items: &[JsonRow],
    section_paths: &HashMap<Uuid, String>,
    new: &Value,
    house: &mut House,
    map: &mut Mapping,
    moved: &mut Moved,
) -> Vec<JsonRow> {
    weeks
        .into_iter()
        .filter_map(|mut row| {
            let item = uuid_of(&row, "item_id")?;
            let week = text_of(&row, "week_start").to_owned();
            if let Some((existing, path)) = house.weeks.get(&week) {
                map.folded.insert(item, *existing);
                moved.weeks_folded += 1;
                if let Some(old_path) = item_path(items, item, section_paths) {
                    moved.renamed.push(Renamed {
                        from: old_path,
                        to: path.clone(),
                    });
                }
                return None;
            }
            if let Some(path) = item_path(items, item, section_paths) {
                house.weeks.insert(week, (item, path));
            }
            set(&mut row, "tenant_id", new.clone());
            Some(row)
        })
        .collect()
}

fn item_path(items: &[JsonRow], id: Uuid, section_paths: &HashMap<Uuid, String>) -> Option<String> {
    let item = items.iter().find(|i| uuid_of(i, "id") == Some(id))?;
    let section = section_paths.get(&uuid_of(item, "section_id")?)?;
    Some(format!("{section}/{}", text_of(item, "slug")))
}

/// Items move into the section of the same path, under a new slug when the
/// new commune uses theirs, remembering where they came from.
fn items(
    rows: Vec<JsonRow>,
    old: &Locked,
    section_paths: &HashMap<Uuid, String>,
    new: &Value,
    house: &mut House,
    map: &Mapping,
    moved: &mut Moved,
) -> Vec<JsonRow> {
    rows.into_iter()
        .filter_map(|mut row| {
            let id = uuid_of(&row, "id")?;
            if map.folded.contains_key(&id) {
                return None;
            }
            let section = section_paths.get(&uuid_of(&row, "section_id")?)?.clone();
            let slug = text_of(&row, "slug").to_owned();
            let fresh = unused(&slug, &old.slug, &house.item_slugs);
            house.item_slugs.insert(fresh.clone());
            if fresh != slug {
                moved.renamed.push(Renamed {
                    from: format!("{section}/{slug}"),
                    to: format!("{section}/{fresh}"),
                });
                set(&mut row, "slug", fresh);
            }
            if uuid_of(&row, "origin_tenant_id").is_none() {
                set(&mut row, "origin_tenant_id", old.id.to_string());
                set(&mut row, "origin_name", old.name.clone());
                set(&mut row, "origin_path", format!("/{section}/{slug}"));
            }
            set(&mut row, "tenant_id", new.clone());
            remap(&mut row, "section_id", &map.sections);
            map.account(&mut row, "created_by");
            map.account(&mut row, "assigned_to");
            Some(row)
        })
        .collect()
}

/// Questions keep their tracking code (askers follow them by it) and their
/// address, unless the new commune uses either already.
fn questions(
    rows: Vec<JsonRow>,
    new: &Value,
    house: &mut House,
    moved: &mut Moved,
) -> Vec<JsonRow> {
    rows.into_iter()
        .map(|mut row| {
            let slug = text_of(&row, "slug").to_owned();
            let fresh = unused(&slug, "", &house.question_slugs);
            house.question_slugs.insert(fresh.clone());
            if fresh != slug {
                moved.renamed.push(Renamed {
                    from: format!("{QUESTIONS_PATH}/{slug}"),
                    to: format!("{QUESTIONS_PATH}/{fresh}"),
                });
                set(&mut row, "slug", fresh);
            }
            let mut code = text_of(&row, "code").to_owned();
            while house.question_codes.contains(&code) {
                // Eight random characters of two communes' codes met: the
                // asker's old code can no longer be unique.
                code = format!(
                    "HD-{}",
                    &Uuid::new_v4().simple().to_string().to_uppercase()[..8]
                );
                set(&mut row, "code", code.clone());
            }
            house.question_codes.insert(code);
            set(&mut row, "tenant_id", new.clone());
            row
        })
        .collect()
}

/// One-stop results: months the new commune lacks move, the others are
/// returned to be added to its figures.
fn one_stop(rows: Vec<JsonRow>, new: &Value, house: &mut House) -> (Vec<JsonRow>, Vec<JsonRow>) {
    let (mut fresh, mut sums) = (Vec::new(), Vec::new());
    for mut row in rows {
        let month = text_of(&row, "month").to_owned();
        if house.months.contains(&month) {
            sums.push(row);
        } else {
            house.months.insert(month);
            set(&mut row, "tenant_id", new.clone());
            fresh.push(row);
        }
    }
    (fresh, sums)
}

fn count_of(row: &JsonRow, column: &str) -> i32 {
    row.get(column)
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .unwrap_or(0)
}

/// `slug`, or the first of `slug-<suffix>`, `slug-<suffix>-2`, … not in
/// `taken`, within the 200 characters a slug may have.
fn unused(slug: &str, suffix: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(slug) {
        return slug.to_owned();
    }
    let base = if suffix.is_empty() {
        slug.to_owned()
    } else {
        format!("{slug}-{suffix}")
    };
    let base = base.chars().take(190).collect::<String>();
    let base = base.trim_end_matches('-').to_owned();
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base)
}

/// Records where the old commune's renamed addresses went, and sends the
/// addresses of communes merged into it earlier on to their final place.
async fn redirect_old_addresses(
    conn: &mut PgConnection,
    target: &Locked,
    old: &Locked,
    renamed: &[Renamed],
) -> Result<(), sqlx::Error> {
    for Renamed { from, to } in renamed {
        sqlx::query!(
            "INSERT INTO merged_paths (from_tenant_id, from_path, to_path) VALUES ($1, $2, $3)
             ON CONFLICT (from_tenant_id, from_path) DO UPDATE SET to_path = EXCLUDED.to_path",
            old.id,
            from,
            to
        )
        .execute(&mut *conn)
        .await?;
    }
    // Communes merged into the old one earlier: their redirects that led to
    // a renamed address now lead to its new one, and their addresses that
    // fell through to the old commune's same path follow its renames.
    sqlx::query!(
        "UPDATE merged_paths m SET to_path = r.to_path
         FROM merged_paths r, tenants t
         WHERE r.from_tenant_id = $1 AND m.to_path = r.from_path
           AND t.id = m.from_tenant_id AND t.merged_into = $1",
        old.id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO merged_paths (from_tenant_id, from_path, to_path)
         SELECT t.id, r.from_path, r.to_path FROM tenants t, merged_paths r
         WHERE t.merged_into = $1 AND r.from_tenant_id = $1
         ON CONFLICT DO NOTHING",
        old.id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE tenants SET merged_into = $2, updated_at = now() WHERE merged_into = $1",
        old.id,
        target.id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_slug_gets_the_old_communes_name_then_a_number() {
        let taken: HashSet<String> = ["le-hoi", "le-hoi-quoctuan"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(unused("khai-giang", "quoctuan", &taken), "khai-giang");
        assert_eq!(unused("le-hoi", "vinhbao", &taken), "le-hoi-vinhbao");
        assert_eq!(unused("le-hoi", "quoctuan", &taken), "le-hoi-quoctuan-2");
        let long = "a".repeat(200);
        let taken: HashSet<String> = [long.clone()].into_iter().collect();
        assert!(unused(&long, "quoctuan", &taken).len() <= 200);
    }
}
