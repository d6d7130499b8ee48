package org.bulkfhir.cli;

import org.bulkfhir.client.BulkDataException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bulkfhir} command. Subcommands stay thin: they parse options and call the modules. */
@Command(name = "bulkfhir", mixinStandardHelpOptions = true, version = "bulkfhir 0.1.0",
        description = "FHIR Bulk Data Access: a Data Provider (server) and a Data Consumer (client).",
        subcommands = {DemoCommand.class, ServerCommand.class, LoadCommand.class, GenerateCommand.class, BenchCommand.class,
                KeysCommand.class, RegisterCommand.class, ClientsCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // One line a user can act on; the stack trace only when asked for.
            commandLine.getErr().println("bulkfhir: " + CliErrors.message(e));
            if (System.getenv("BULKFHIR_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            boolean usage = e instanceof UsageError
                    || e instanceof BulkDataException b && b.kind() == BulkDataException.Kind.USAGE;
            return usage ? 2 : 1;
        });
        return cli.execute(args);
    }
}
