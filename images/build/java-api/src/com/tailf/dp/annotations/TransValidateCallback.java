package com.tailf.dp.annotations;

import com.tailf.dp.proto.TransValidateCBType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a method as a TransValidateCallback (see TransValidateCBType for the kinds). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface TransValidateCallback {
    TransValidateCBType[] callType();
}
