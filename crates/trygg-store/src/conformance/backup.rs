//! Backup and restore, on one backend: every table comes back row for row, a restore goes into
//! an empty database only, a refused file leaves nothing, and the backup's tables are the
//! schema's.

use trygg_domain::{Actor, NewOrganisation, OrgKind};

use crate::{
    Store, StoreError,
    backup::{Item, LEFT_OUT, Reader, TABLES, Writer},
};

/// Backs `store` up to memory.
pub async fn backup_bytes(store: &dyn Store) -> Vec<u8> {
    let mut writer = Some(
        Writer::new(Vec::new(), store.backend(), "2026-12-06T12:00:00Z").expect("start a backup"),
    );
    let mut failed = None;
    store
        .backup(&mut |item| {
            if let Err(e) = writer.as_mut().expect("writer").write(item) {
                failed = Some(e.to_string());
            }
            Ok(())
        })
        .await
        .expect("backup reads every table");
    assert!(failed.is_none(), "writing the backup: {failed:?}");
    writer
        .take()
        .unwrap()
        .finish()
        .expect("finish the backup")
        .0
}

/// Restores `bytes` into `store`.
pub async fn restore_bytes(
    store: &dyn Store,
    bytes: &[u8],
) -> crate::Result<crate::backup::Counts> {
    let mut reader = Reader::new(bytes)?;
    let header = reader.header().clone();
    store
        .restore(&Actor::system("restore"), &header, &mut || {
            reader.next_item()
        })
        .await
}

/// Every item of a backup, in order.
pub fn items(bytes: &[u8]) -> Vec<Item> {
    let mut reader = Reader::new(bytes).expect("a backup");
    let mut items = Vec::new();
    while let Some(item) = reader.next_item().expect("a whole backup") {
        items.push(item);
    }
    items
}

/// `store` holds data of every kind (after [`run_all`](super::run_all)); `empty` is a fresh,
/// migrated database of any backend.
pub async fn check_backup(store: &dyn Store, empty: &dyn Store) {
    // The backup's tables are the schema's, column for column.
    for (table, columns) in store.schema_columns().await.expect("schema") {
        if LEFT_OUT.iter().any(|(t, _)| *t == table) {
            continue;
        }
        let listed = TABLES.iter().find(|t| t.name == table).unwrap_or_else(|| {
            panic!(
                "table {table} is in the schema but not in backup::TABLES: add it (or to LEFT_OUT \
                 with the reason) and raise backup::SCHEMA_VERSION"
            )
        });
        let names: Vec<&str> = listed.columns.iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            columns,
            "backup::TABLES lists other columns for {table} than the {} schema has: list them \
             and raise backup::SCHEMA_VERSION",
            store.backend()
        );
    }

    let bytes = backup_bytes(store).await;
    let original = items(&bytes);
    for table in TABLES {
        let rows = rows_of(&original, table.name);
        assert!(
            rows > 0,
            "the conformance data should hold rows of {} so its round trip is checked",
            table.name
        );
    }

    // A cut file is refused and leaves the empty database empty.
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    let cut = lines[..lines.len() - 1].join("\n") + "\n";
    let e = restore_bytes(empty, cut.as_bytes())
        .await
        .expect_err("a cut backup is refused");
    assert!(e.to_string().contains("cut off"), "{e}");
    assert!(
        empty.list_organisations().await.unwrap().is_empty(),
        "a refused restore writes nothing"
    );

    // A row that refers to nothing is refused with a sentence, and nothing is written.
    let dangling = text.replacen(
        &format!(
            "\n{}\n",
            lines[lines
                .iter()
                .position(|l| l.contains("\"incident_areas\""))
                .unwrap()
                + 1]
        ),
        "\n[999999,999999]\n",
        1,
    );
    let e = restore_bytes(empty, dangling.as_bytes())
        .await
        .expect_err("a dangling reference is refused");
    assert!(
        e.to_string()
            .contains("refers to a row the backup does not hold"),
        "{e}"
    );
    assert!(empty.list_organisations().await.unwrap().is_empty());

    // The real restore, then every table compares equal but for the restore's own audit event.
    let counts = restore_bytes(empty, &bytes).await.expect("restore");
    for table in TABLES {
        assert_eq!(
            counts.of(table.name),
            rows_of(&original, table.name) as u64,
            "restored rows of {}",
            table.name
        );
    }
    let mut again = items(&backup_bytes(empty).await);
    let last = again.pop().expect("the restore's audit event");
    match &last {
        Item::Row(cells) => assert!(
            cells.contains(&crate::backup::Cell::Text("restore".into())),
            "the last audit event is the restore: {last:?}"
        ),
        other => panic!("expected the restore's audit row, got {other:?}"),
    }
    for (i, (a, b)) in original.iter().zip(&again).enumerate() {
        assert_eq!(
            a,
            b,
            "item {i} differs after a round trip through {}",
            empty.backend()
        );
    }
    assert_eq!(
        original.len(),
        again.len(),
        "as many items after the round trip"
    );

    // A database with data is never restored into.
    let e = restore_bytes(store, &bytes)
        .await
        .expect_err("restore into a database with data");
    assert!(
        matches!(e, StoreError::Conflict(ref m) if m.contains("not empty")),
        "{e}"
    );

    // New rows get ids after the restored ones.
    let max_org = empty
        .list_organisations()
        .await
        .unwrap()
        .iter()
        .map(|o| o.id.0)
        .max()
        .unwrap();
    let new = empty
        .create_organisation(
            &Actor::system("conformance"),
            NewOrganisation {
                name: "Efter återläsningen".into(),
                kind: OrgKind::Partner,
                parent_id: None,
            },
        )
        .await
        .expect("a new organisation after a restore");
    assert!(new.id.0 > max_org, "ids continue after the restored ones");
}

fn rows_of(items: &[Item], table: &str) -> usize {
    let mut current = "";
    let mut n = 0;
    for item in items {
        match item {
            Item::Table(t) => current = t.name,
            Item::Row(_) if current == table => n += 1,
            Item::Row(_) => {}
        }
    }
    n
}
