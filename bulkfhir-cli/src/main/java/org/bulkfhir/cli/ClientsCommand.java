package org.bulkfhir.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulkfhir.server.auth.AuditLog;
import org.bulkfhir.server.auth.ClientRegistry;
import org.bulkfhir.server.auth.RegisteredClient;
import org.bulkfhir.server.auth.ServerKeys;
import org.bulkfhir.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "clients", mixinStandardHelpOptions = true,
        description = "Lists, shows and disables registered clients, working on the database directly.",
        subcommands = {ClientsCommand.ListClients.class, ClientsCommand.Show.class, ClientsCommand.Disable.class,
                ClientsCommand.RotateServerKey.class})
final class ClientsCommand {

    static String describe(RegisteredClient c) {
        return c.clientId() + "  " + c.status().name().toLowerCase() + "  " + (c.name() == null ? "-" : c.name())
                + "  scopes=" + c.scopes() + "  keys=" + (c.jwksUrl() != null ? c.jwksUrl() : "inline")
                + "  registered=" + Instant.ofEpochMilli(c.created());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every registered client.")
    static final class ListClients implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Database db = Database.open(store.jdbcUrl())) {
                List<RegisteredClient> all = new ClientRegistry(db).list();
                if (all.isEmpty()) {
                    System.out.println("No clients registered.");
                }
                all.forEach(c -> System.out.println(describe(c)));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one client, with its public keys.")
    static final class Show implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        public Integer call() {
            try (Database db = Database.open(store.jdbcUrl())) {
                RegisteredClient c = new ClientRegistry(db).find(clientId)
                        .orElseThrow(() -> new UsageError("no client " + clientId));
                System.out.println(describe(c));
                if (c.jwks() != null) {
                    System.out.println(c.jwks().toString(true));
                }
            }
            return 0;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = {"Disables a client: it gets no new tokens; tokens it holds expire within five minutes."})
    static final class Disable implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        public Integer call() {
            try (Database db = Database.open(store.jdbcUrl())) {
                if (!new ClientRegistry(db).disable(clientId)) {
                    throw new UsageError("no client " + clientId);
                }
                AuditLog.clientDisabled(clientId, "cli");
                System.out.println("Disabled " + clientId);
            }
            return 0;
        }
    }

    @Command(name = "rotate-server-key", mixinStandardHelpOptions = true,
            description = {"Makes a new access-token signing key and retires the old ones; tokens already issued",
                    "stay valid until they expire. Every node sharing the database picks it up."})
    static final class RotateServerKey implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Database db = Database.open(store.jdbcUrl())) {
                ServerKeys keys = ServerKeys.open(db, java.time.Duration.ofMinutes(6), java.time.Clock.systemUTC());
                System.out.println("New signing key: " + keys.rotate());
            }
            return 0;
        }
    }
}
