package org.memshare.layering;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The dependency rules of DESIGN.md section 1, checked on the compiled classes. */
@AnalyzeClasses(packages = "org.memshare", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule apiDependsOnTheJdkOnly = classes().that().resideInAPackage("org.memshare.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("org.memshare.api..", "java..")
            .because("plugins compile against memshare-api alone");

    @ArchTest
    static final ArchRule archPluginsNeverSeeTheEngine = noClasses().that().resideInAPackage("org.memshare.arch..")
            .should().dependOnClassesThat().resideInAnyPackage("org.memshare.engine..", "org.memshare.trace..",
                    "org.memshare.cli..", "org.memshare.conformance..", "org.memshare.kit..", "com.google.inject..")
            .because("an arch plugin hands the engine plain SPI objects");

    @ArchTest
    static final ArchRule archPluginsAreIndependent = noClasses().that().resideInAPackage("org.memshare.arch.fake..")
            .should().dependOnClassesThat().resideInAPackage("org.memshare.arch.aarch64..");

    @ArchTest
    static final ArchRule engineKnowsNoArchAndNoTool = noClasses().that().resideInAPackage("org.memshare.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("org.memshare.arch..", "org.memshare.trace..",
                    "org.memshare.cli..", "org.memshare.conformance..", "org.memshare.kit..", "picocli..", "org.junit..")
            .because("the engine binds whatever plugin it is given");

    @ArchTest
    static final ArchRule guiceStaysInTheMachinePackage = noClasses().that().resideInAPackage("org.memshare.engine..")
            .and().resideOutsideOfPackages("org.memshare.engine.machine..", "org.memshare.engine.policy..")
            .should().dependOnClassesThat().resideInAPackage("com.google.inject..")
            .because("one injector is created in one place");

    @ArchTest
    static final ArchRule theKitKnowsNoBundledArchAndNoTool = noClasses().that().resideInAPackage("org.memshare.kit..")
            .should().dependOnClassesThat().resideInAnyPackage("org.memshare.arch..", "org.memshare.cli..", "picocli..")
            .because("the kit proves whatever plugin is on its user's class path");

    @ArchTest
    static final ArchRule traceKnowsNoArchAndNoKit = noClasses().that().resideInAPackage("org.memshare.trace..")
            .should().dependOnClassesThat().resideInAnyPackage("org.memshare.arch..", "org.memshare.kit..",
                    "org.memshare.cli..", "picocli..", "org.junit..");

    @ArchTest
    static final ArchRule theOwnershipMapIsNoCommand = noClasses().that().resideInAPackage("org.memshare.cli.map..")
            .should().dependOnClassesThat().resideInAnyPackage("org.memshare.cli", "picocli..", "org.memshare.kit..",
                    "org.junit..")
            .because("the map is wired by replay's one option and could serve any replay");
}
