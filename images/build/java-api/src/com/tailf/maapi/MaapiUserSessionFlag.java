package com.tailf.maapi;

/** How a MAAPI user session says it came in. */
public enum MaapiUserSessionFlag {
    PROTO_UNKNOWN,
    PROTO_TCP,
    PROTO_SSH,
    PROTO_SYSTEM,
    PROTO_CONSOLE,
    PROTO_SSL,
    PROTO_HTTP,
    PROTO_HTTPS,
    PROTO_UDP
}
