package org.apache.logging.log4j;

/** Hands out Loggers; this stand-in's loggers write to standard error. */
public final class LogManager {
    private LogManager() {}

    public static Logger getLogger(Class<?> clazz) { return new StderrLogger(clazz.getName()); }
    public static Logger getLogger(String name) { return new StderrLogger(name); }
    public static Logger getLogger() { return new StderrLogger("root"); }

    private static final class StderrLogger implements Logger {
        private final String name;

        StderrLogger(String name) { this.name = name; }

        private void out(String level, Object message, Throwable t) {
            System.err.println(level + " " + name + " - " + message);
            if (t != null) {
                t.printStackTrace();
            }
        }

        public String getName() { return name; }
        public Level getLevel() { return Level.INFO; }
        public boolean isDebugEnabled() { return false; }
        public boolean isInfoEnabled() { return true; }
        public boolean isTraceEnabled() { return false; }
        public void trace(String m, Object... p) { }
        public void trace(String m, Throwable t) { }
        public void trace(Object m) { }
        public void debug(String m, Object... p) { }
        public void debug(String m, Throwable t) { }
        public void debug(Object m) { }
        public void info(String m, Object... p) { out("INFO", m, null); }
        public void info(String m, Throwable t) { out("INFO", m, t); }
        public void info(Object m) { out("INFO", m, null); }
        public void warn(String m, Object... p) { out("WARN", m, null); }
        public void warn(String m, Throwable t) { out("WARN", m, t); }
        public void warn(Object m) { out("WARN", m, null); }
        public void error(String m, Object... p) { out("ERROR", m, null); }
        public void error(String m, Throwable t) { out("ERROR", m, t); }
        public void error(Object m) { out("ERROR", m, null); }
        public void fatal(String m, Object... p) { out("FATAL", m, null); }
        public void fatal(String m, Throwable t) { out("FATAL", m, t); }
        public void log(Level l, String m, Object... p) { out(l.name(), m, null); }
    }
}
