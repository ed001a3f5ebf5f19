package org.memshare.engine.machine;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import com.google.inject.ScopeAnnotation;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/** One instance per machine: the pool, the table memory, the machine, its sharing engine and hypervisor. */
@ScopeAnnotation
@Retention(RUNTIME)
@Target({TYPE, METHOD})
@interface MachineScoped {
}
