-- SMART Backend Services: registered clients, the assertion replay cache and the keys that
-- sign access tokens. All of it lives in the database so that every node sharing it accepts
-- the same clients, refuses the same replays and verifies the same tokens.
CREATE TABLE client (
    client_id  TEXT     PRIMARY KEY,
    name       TEXT,
    jwks_url   TEXT,
    jwks       TEXT,
    scopes     TEXT     NOT NULL,
    status     TEXT     NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created    BIGINT   NOT NULL,
    CHECK (jwks_url IS NOT NULL OR jwks IS NOT NULL)
);

-- A jti may be used once per issuer while its assertion could still be accepted; rows outlive
-- the assertion's exp by the clock skew the token endpoint allows.
CREATE TABLE client_assertion_jti (
    iss        TEXT     NOT NULL,
    jti        TEXT     NOT NULL,
    expires_at BIGINT   NOT NULL,
    PRIMARY KEY (iss, jti)
);
CREATE INDEX client_assertion_jti_expiry ON client_assertion_jti (expires_at);

-- Private keys of the server's access-token signer. A retired key still verifies tokens it
-- signed until they expire.
CREATE TABLE server_signing_key (
    kid         TEXT    PRIMARY KEY,
    private_jwk TEXT    NOT NULL,
    created     BIGINT  NOT NULL,
    retired_at  BIGINT
);
