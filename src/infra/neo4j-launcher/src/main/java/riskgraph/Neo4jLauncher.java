package riskgraph;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Runs the Neo4j 5.26 community DBMS embedded in its own JVM, with only the Bolt connector
 * open on 127.0.0.1, for riskgraph's local mode (src/infra/neo4j-local.ts starts it).
 *
 * <p>Usage: {@code Neo4jLauncher --home DIR --port N [--page-cache SIZE] [--watch-stdin]}.
 * Port 0 lets the OS pick a free port. Once the default database is available it prints
 * exactly one line, {@code RISKGRAPH_NEO4J_READY bolt://127.0.0.1:PORT}, to stdout; nothing
 * else is ever written there (anything a library prints to System.out is sent to stderr), so
 * the parent can read the line without parsing around log output. Neo4j's own logs go to
 * {@code DIR/logs}.
 *
 * <p>It shuts down cleanly (the store is flushed and checkpointed) on SIGTERM or SIGINT, and,
 * with {@code --watch-stdin}, when its stdin reaches end-of-file: the parent keeps a pipe
 * open, so when the parent dies for any reason, even SIGKILL, the pipe closes and Neo4j goes
 * with it instead of living on as an orphan holding the store lock.
 */
public final class Neo4jLauncher {
    static final String READY_PREFIX = "RISKGRAPH_NEO4J_READY ";

    /** How long to wait for the default database to come up after the DBMS has started. */
    private static final long DATABASE_AVAILABLE_TIMEOUT_SECONDS = 120;

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        // Keep the real stdout for the ready line only; route everything else to stderr.
        PrintStream readyOut = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Neo4jLauncher: " + e.getMessage());
            System.err.println(
                    "usage: Neo4jLauncher --home DIR --port N [--page-cache SIZE] [--watch-stdin]");
            System.exit(2);
            return;
        }

        DatabaseManagementService dbms;
        try {
            Files.createDirectories(options.home);
            dbms = new DatabaseManagementServiceBuilder(options.home)
                    .setConfig(settings(options))
                    .build();
        } catch (Throwable e) {
            System.err.println("Neo4jLauncher: Neo4j failed to start in " + options.home);
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }

        AtomicBoolean stopped = new AtomicBoolean(false);
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                try {
                    dbms.shutdown();
                } catch (Throwable e) {
                    System.err.println("Neo4jLauncher: error while shutting Neo4j down");
                    e.printStackTrace(System.err);
                }
            }
        };
        // The JVM runs shutdown hooks on SIGTERM, SIGINT and System.exit.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "riskgraph-neo4j-shutdown"));

        int port;
        try {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!db.isAvailable(TimeUnit.SECONDS.toMillis(DATABASE_AVAILABLE_TIMEOUT_SECONDS))) {
                throw new IllegalStateException("the default database did not become available within "
                        + DATABASE_AVAILABLE_TIMEOUT_SECONDS + " s");
            }
            port = boundBoltPort(dbms, options.port);
        } catch (Throwable e) {
            System.err.println("Neo4jLauncher: Neo4j started but is not usable");
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }

        if (options.watchStdin) {
            watchStdin();
        }
        readyOut.println(READY_PREFIX + "bolt://127.0.0.1:" + port);
        // main returns; Neo4j's non-daemon threads keep the JVM alive until a signal or EOF.
    }

    /**
     * Settings by their typed constants rather than raw names, so a setting renamed in a later
     * Neo4j release fails compilation here instead of being silently ignored at run time.
     */
    private static Map<Setting<?>, Object> settings(Options options) {
        Map<Setting<?>, Object> s = new HashMap<>();
        s.put(BoltConnector.enabled, true);
        s.put(BoltConnector.listen_address, new SocketAddress("127.0.0.1", options.port));
        s.put(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
        s.put(HttpConnector.enabled, false);
        s.put(HttpsConnector.enabled, false);
        s.put(GraphDatabaseSettings.auth_enabled, false);
        s.put(GraphDatabaseSettings.udc_enabled, false);
        s.put(GraphDatabaseSettings.logs_directory, options.home.resolve("logs").toAbsolutePath());
        s.put(GraphDatabaseSettings.pagecache_memory, options.pageCacheBytes);
        // Keep the store small: a local and test database needs no point-in-time recovery, so
        // keep only two transaction log files, rotate them at 16 MiB, and do not preallocate
        // them (preallocation reserves the whole rotation size on disk up front).
        s.put(GraphDatabaseSettings.keep_logical_logs, "2 files");
        s.put(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16));
        s.put(GraphDatabaseSettings.preallocate_logical_logs, false);
        // By the time the Bolt server's event loops are shut down every database has already
        // been stopped and checkpointed, yet Netty's default 5 s quiet period (paid twice, boss
        // and worker loops) would make every shutdown take over 10 s. Nothing is lost by not
        // waiting, so skip it (internal.dbms.bolt.netty_server_shutdown_quiet_period, seconds).
        s.put(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        return s;
    }

    /**
     * The port Bolt actually listens on. With port 0 the OS chose it, and only the connector
     * port register knows which one (this is how neo4j-harness finds it too).
     */
    private static int boundBoltPort(DatabaseManagementService dbms, int requested) {
        GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        ConnectorPortRegister ports =
                system.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        HostnamePort address = ports.getLocalAddress(ConnectorType.BOLT);
        if (address == null) {
            if (requested != 0) {
                return requested;
            }
            throw new IllegalStateException("the Bolt connector did not register a listen address");
        }
        return address.getPort();
    }

    /** Exits (running the shutdown hook) once stdin reaches EOF, i.e. the parent has gone. */
    private static void watchStdin() {
        Thread watcher = new Thread(() -> {
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) != -1) {
                    // The parent never writes; anything it sends is ignored.
                }
            } catch (IOException e) {
                // A broken pipe means the parent is gone as surely as EOF does.
            }
            System.exit(0);
        }, "riskgraph-neo4j-stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static final class Options {
        Path home;
        int port = -1;
        long pageCacheBytes = ByteUnit.mebiBytes(256);
        boolean watchStdin;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--home" -> o.home = Path.of(value(args, ++i, arg)).toAbsolutePath();
                    case "--port" -> {
                        String v = value(args, ++i, arg);
                        try {
                            o.port = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--port must be an integer, got " + v);
                        }
                        if (o.port < 0 || o.port > 65535) {
                            throw new IllegalArgumentException("--port must be 0..65535, got " + v);
                        }
                    }
                    case "--page-cache" -> {
                        String v = value(args, ++i, arg);
                        try {
                            o.pageCacheBytes = ByteUnit.parse(v);
                        } catch (RuntimeException e) {
                            throw new IllegalArgumentException("--page-cache must be a size like 256m, got " + v);
                        }
                    }
                    case "--watch-stdin" -> o.watchStdin = true;
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (o.home == null) {
                throw new IllegalArgumentException("--home is required");
            }
            if (o.port < 0) {
                throw new IllegalArgumentException("--port is required");
            }
            return o;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }
}
