# Varnish 7.1 in front of the Insight Fortnight API, with Debian's varnish-modules (xkey).
#
#   reads (GET/HEAD) without Authorization or Cookie  -> cached, from the read replicas
#   writes, and anything with Authorization           -> passed to the primary, never stored
#   PURGE with an `xkey: key key ...` header           -> xkey.purge, from `purgers` only
#
# Backends and the purge ACL live in backends.vcl (found on vcl_path), so one file per
# deployment says where things run; `make edge` writes its own. The cache keeps what the
# origin says it may: `Cache-Control: public, max-age=60, stale-while-revalidate=300`
# (FLASK_PUBLIC_CACHE_CONTROL) gives a 60 s TTL and 300 s of grace (Varnish reads
# stale-while-revalidate as grace). A purge removes objects outright (no grace), so a
# purged page is never served stale. The primary only purges once every replica holds
# the write (api/surrogate.py send_purge), so the refetch after a purge is fresh.
vcl 4.1;

import directors;
import std;
import xkey;

include "backends.vcl";

sub vcl_init {
    new replicas = directors.round_robin();
    replicas.add_backend(replica1);
    replicas.add_backend(replica2);
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "Send the surrogate keys to purge in an xkey header"));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey);
        return (synth(200, "Purged"));
    }
    # Keys are the origin's to set; a client never decides what a purge removes.
    unset req.http.X-Purged;
    if (req.method != "GET" && req.method != "HEAD") {
        # Writes (and OPTIONS preflights) go to the one node that takes them.
        set req.backend_hint = primary;
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie) {
        # An editor's preview, or anything personal: the primary (it has just written
        # what the editor reads back), uncached.
        set req.backend_hint = primary;
        return (pass);
    }
    # One stored variant per encoding the origin makes (gzip or none), whatever the
    # client's spelling; varnishd runs with http_gzip_support=off, so an identity client
    # gets stored identity bytes instead of a gunzip on every hit.
    if (req.http.Accept-Encoding ~ "(?i)\bgzip\b(?!\s*;\s*q=0(\.0+)?\s*(,|$))") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }
    set req.backend_hint = replicas.backend();
    if (!std.healthy(req.backend_hint)) {
        # Both replicas down: the primary can serve reads too.
        set req.backend_hint = primary;
    }
    return (hash);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(?i)public") {
        # Never stored: a cookie, a private or no-store answer (previews, problems,
        # health). Hit-for-miss, so the next answer that may be stored is.
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    return (deliver);
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.X-Purged = req.http.X-Purged;
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = "purged " + req.http.X-Purged + " objects" + {"
"};
        return (deliver);
    }
}

sub vcl_deliver {
    # What happened, for tests and operators: HIT, MISS, or PASS (never stored).
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    set resp.http.X-Cache-Hits = obj.hits;
    # Surrogate keys are between the origin and the cache.
    unset resp.http.xkey;
}
