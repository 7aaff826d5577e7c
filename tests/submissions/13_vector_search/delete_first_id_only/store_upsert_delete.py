def upsert_chunks(table, rows):
    ids = [row["id"] for row in rows]
    if len(set(ids)) != len(ids):
        raise ValueError("an upsert batch must not repeat an id")
    if not rows:
        return 0, 0
    result = (table.merge_insert("id").when_matched_update_all()
              .when_not_matched_insert_all().execute(rows))
    return int(result.num_inserted_rows), int(result.num_updated_rows)


def delete_chunks(table, ids):
    deleted = 0
    for chunk_id in ids:
        deleted += int(table.delete(f"id = {sql_string(chunk_id)}").num_deleted_rows)
        return deleted
    return deleted
