package dev.qprobe;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The library's packages run one way (data and probe math at the bottom, the DSL on top): no
 * package may reach, through any chain of class references in the compiled code, back to itself.
 * Read from bytecode, so fully qualified references count as much as imports.
 */
class PackageCyclesTest {

    @Test
    void mainCodeHasNoPackageCycles() {
        // Only the library's own classes (target/classes): scanning every jar on the class path
        // for the package takes a minute.
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importUrl(Version.class.getProtectionDomain().getCodeSource().getLocation());
        assertTrue(classes.containPackage("dev.qprobe.probe.djl"), "the library's classes were imported");
        // Each package is its own slice: dev.qprobe.probe and dev.qprobe.probe.cpu count as two.
        slices().matching("dev.qprobe.(**)").should().beFreeOfCycles().check(classes);
    }
}
