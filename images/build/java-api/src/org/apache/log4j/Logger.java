package org.apache.log4j;

/** The log4j 1 Logger API older NSO packages still use (compile-time stand-in). */
public class Logger {
    private final String name;

    protected Logger(String name) { this.name = name; }

    public static Logger getLogger(Class<?> clazz) { return new Logger(clazz.getName()); }
    public static Logger getLogger(String name) { return new Logger(name); }

    public String getName() { return name; }
    public boolean isDebugEnabled() { return false; }
    public void debug(Object message) { }
    public void debug(Object message, Throwable t) { }
    public void info(Object message) { System.err.println("INFO " + name + " - " + message); }
    public void info(Object message, Throwable t) { info(message); }
    public void warn(Object message) { System.err.println("WARN " + name + " - " + message); }
    public void warn(Object message, Throwable t) { warn(message); }
    public void error(Object message) { System.err.println("ERROR " + name + " - " + message); }
    public void error(Object message, Throwable t) { error(message); }
}
