#!/bin/sh
# One-shot, with temporalio/admin-tools: the namespace with its retention, and the search
# attributes that workflows/search.py declares (SEARCH_ATTRIBUTES, "Name=Type ..."). What
# exists is left as it is, so it runs at every start.
set -eu
cli() { temporal "$@" --address "$TEMPORAL_ADDRESS"; }
# A namespace just made is known to the frontend only after its cache refreshes.
settled() {
    tries=0
    until "$@" >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ "$tries" -lt 60 ] || { echo "gave up waiting for: $*" >&2; exit 1; }
        sleep 1
    done
}
settled cli operator cluster health
if ! cli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
    cli operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
fi
settled cli operator search-attribute list --namespace "$NAMESPACE"
known=$(cli operator search-attribute list --namespace "$NAMESPACE")
for attribute in $SEARCH_ATTRIBUTES; do
    name=${attribute%%=*}
    if ! printf '%s\n' "$known" | grep -qw "$name"; then
        cli operator search-attribute create --namespace "$NAMESPACE" \
            --name "$name" --type "${attribute#*=}"
    fi
done
echo "namespace $NAMESPACE ready, retention $RETENTION, search attributes: $SEARCH_ATTRIBUTES"
