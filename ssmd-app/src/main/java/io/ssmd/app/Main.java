package io.ssmd.app;

import io.ssmd.node.Ssmd;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ssmd} command line. Thin: it parses arguments and hands over to the commands. */
@Command(
        name = "ssmd",
        mixinStandardHelpOptions = true,
        // Every subcommand, at every level, answers --help and --version too (STYLE habit 18).
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "ssmd: market data from venue WebSockets to NATS JetStream, archives and a gateway.",
        subcommands = {
            RunCommand.class,
            EnvCommand.class,
            ReplayServerCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            TestCommand.class,
            GatewayCommand.class,
            ArchiveCommand.class,
            DataCommand.class,
            DqCommand.class,
            FeedCommand.class,
            SchemaCommand.class,
            MarketCommand.class,
            OpsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        configureLogging(args);
        // Initialise logging on this thread before Pekko's threads log concurrently (SLF4J would otherwise warn
        // that it replayed calls made during its initialisation).
        org.slf4j.LoggerFactory.getILoggerFactory();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** The version the jar was built as ({@code dev} when run from classes). */
    public static String version() {
        return Ssmd.version();
    }

    /**
     * Must run before the first logger is created: {@code run} and {@code demo} log JSON lines to stdout at INFO
     * (DESIGN §3); {@code replay-server} logs at INFO to stderr, keeping stdout for its URLs; every other command
     * keeps stdout for its output and logs warnings only, to stderr.
     */
    private static void configureLogging(String[] args) {
        String command = args.length > 0 ? args[0] : "";
        boolean toStdout = command.equals("run") || command.equals("demo");
        boolean longRunning = toStdout || command.equals("replay-server");
        if (System.getProperty("ssmd.log.target") == null) {
            System.setProperty("ssmd.log.target", toStdout ? "System.out" : "System.err");
        }
        if (System.getProperty("ssmd.log.level") == null) {
            String level = System.getenv("SSMD_LOG_LEVEL");
            System.setProperty("ssmd.log.level", level != null ? level : longRunning ? "INFO" : "WARN");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ssmd " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
