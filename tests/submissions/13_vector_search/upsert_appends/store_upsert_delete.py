def upsert_chunks(table, rows):
    ids = [row["id"] for row in rows]
    if len(set(ids)) != len(ids):
        raise ValueError("an upsert batch must not repeat an id")
    if not rows:
        return 0, 0
    table.add(rows)
    return len(rows), 0


def delete_chunks(table, ids):
    if not ids:
        return 0
    predicate = "id IN (" + ", ".join(sql_string(i) for i in ids) + ")"
    return int(table.delete(predicate).num_deleted_rows)
