package com.tailf.ncs.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a field the Java VM fills with a MAAPI or CDB connection. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Resource {
    ResourceType type();
    Scope scope();
    String qualifier() default "";
}
