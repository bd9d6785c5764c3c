package org.apache.logging.log4j;

/** Log levels (API subset for compiling NSO packages). */
public enum Level {
    OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL
}
