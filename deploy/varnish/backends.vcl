# Where the nodes run (make edge writes its own copy with the ports it chose).
# primary: takes every write; replica1/replica2: read replicas (FLASK_REPLICA_OF set).
probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend primary {
    .host = "127.0.0.1";
    .port = "5001";
    .probe = healthz;
}

backend replica1 {
    .host = "127.0.0.1";
    .port = "5002";
    .probe = healthz;
}

backend replica2 {
    .host = "127.0.0.1";
    .port = "5003";
    .probe = healthz;
}

# Who may PURGE: the primary and its outbox worker.
acl purgers {
    "127.0.0.1";
    "::1";
}
