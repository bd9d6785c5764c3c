package com.tailf.dp.annotations;

import com.tailf.dp.proto.ValidateCBType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a method as a ValidateCallback (see ValidateCBType for the kinds). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ValidateCallback {
    String callPoint();
    ValidateCBType[] callType();
}
