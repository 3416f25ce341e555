#!/bin/sh
# A foreign tagger for the tests, in shell with curl and jq: the same work as plain_httpx.py, one curl per request.
# Prints its own request counts as JSON.
set -eu
api="$IMMICH_INSTANCE_URL"
call() {  # METHOD PATH [BODY]
  if [ $# -eq 3 ]; then
    curl -sS --fail -X "$1" -H "x-api-key: $IMMICH_API_KEY" -H 'content-type: application/json' -d "$3" "$api$2"
  else
    curl -sS --fail -X "$1" -H "x-api-key: $IMMICH_API_KEY" "$api$2"
  fi
}
version=0; upsert=0; searches=0; gets=0; writes=0
call GET /server/version >/dev/null; version=$((version + 1))
tag=$(call PUT /tags '{"tags":["untagged"]}' | jq -r '.[0].id'); upsert=$((upsert + 1))
page=1
while [ "$page" != "null" ]; do
  result=$(call POST /search/metadata "{\"page\":$page,\"size\":250}"); searches=$((searches + 1))
  bare=""
  for id in $(printf '%s' "$result" | jq -r '.assets.items[].id'); do
    tags=$(call GET "/assets/$id" | jq '.tags | length'); gets=$((gets + 1))
    [ "$tags" -eq 0 ] && bare="$bare\"$id\","
  done
  if [ -n "$bare" ]; then
    call PUT /tags/assets "{\"tagIds\":[\"$tag\"],\"assetIds\":[${bare%,}]}" >/dev/null; writes=$((writes + 1))
  fi
  page=$(printf '%s' "$result" | jq -r '.assets.nextPage')
done
printf '{"GET /assets/{id}": %d, "GET /server/version": %d, "POST /search/metadata": %d, "PUT /tags": %d, "PUT /tags/assets": %d}\n' \
  "$gets" "$version" "$searches" "$upsert" "$writes"
