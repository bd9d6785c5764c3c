package org.apache.logging.log4j;

/** Logging API subset NSO packages use (compile-time stand-in). */
public interface Logger {
    String getName();
    Level getLevel();
    boolean isDebugEnabled();
    boolean isInfoEnabled();
    boolean isTraceEnabled();
    void trace(String message, Object... params);
    void trace(String message, Throwable t);
    void trace(Object message);
    void debug(String message, Object... params);
    void debug(String message, Throwable t);
    void debug(Object message);
    void info(String message, Object... params);
    void info(String message, Throwable t);
    void info(Object message);
    void warn(String message, Object... params);
    void warn(String message, Throwable t);
    void warn(Object message);
    void error(String message, Object... params);
    void error(String message, Throwable t);
    void error(Object message);
    void fatal(String message, Object... params);
    void fatal(String message, Throwable t);
    void log(Level level, String message, Object... params);
}
