package io.ssmd.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ssmd} command line. Thin: it parses arguments and hands over to the commands. */
@Command(name = "ssmd",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "ssmd: market data from venue WebSockets to NATS JetStream, archives and a gateway.",
        subcommands = {RunCommand.class, EnvCommand.class, BenchCommand.class, TestCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        configureLogging(args);
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** The version the jar was built as ({@code dev} when run from classes). */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Must run before the first logger is created: {@code run} logs JSON lines to stdout at INFO; every other
     * command keeps stdout for its output and logs warnings only, to stderr.
     */
    private static void configureLogging(String[] args) {
        boolean run = args.length > 0 && args[0].equals("run");
        if (System.getProperty("ssmd.log.target") == null) {
            System.setProperty("ssmd.log.target", run ? "System.out" : "System.err");
        }
        if (System.getProperty("ssmd.log.level") == null) {
            String level = System.getenv("SSMD_LOG_LEVEL");
            System.setProperty("ssmd.log.level", level != null ? level : run ? "INFO" : "WARN");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ssmd " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
