package dev.mediaup.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dependency rules of DESIGN.md and docs/architecture.md's picture, checked on the compiled classes so they
 * cannot rot: a change that breaks one fails the build with the offending dependency named.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.mediaup");
    }

    @Test
    void coreDependsOnNothingOfOurs() {
        classes().that().resideInAPackage("dev.mediaup.core..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackages("dev.mediaup..").orShould().dependOnClassesThat()
                .resideInAPackage("dev.mediaup.core..")
                .because("core holds the domain types and rules every layer shares").check(main);
        noClasses().that().resideInAPackage("dev.mediaup.core..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.mediaup.api..", "dev.mediaup.auth..", "dev.mediaup.boot..", "dev.mediaup.cli..",
                        "dev.mediaup.config..", "dev.mediaup.events..", "dev.mediaup.media..", "dev.mediaup.processing..",
                        "dev.mediaup.store..", "dev.mediaup.upload..", "dev.mediaup.client..")
                .check(main);
    }

    @Test
    void storesDependOnlyOnCore() {
        noClasses().that().resideInAPackage("dev.mediaup.store..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.mediaup.api..", "dev.mediaup.auth..", "dev.mediaup.boot..", "dev.mediaup.cli..",
                        "dev.mediaup.config..", "dev.mediaup.events..", "dev.mediaup.media..", "dev.mediaup.processing..",
                        "dev.mediaup.upload..", "dev.mediaup.client..")
                .because("a store returns facts or typed results and never calls upward").check(main);
    }

    @Test
    void storesNeverBuildProtocolErrors() {
        noClasses().that().resideInAPackage("dev.mediaup.store..").should().dependOnClassesThat()
                .haveFullyQualifiedName("dev.mediaup.core.Problem")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.mediaup.core.Problems")
                .because("stores report refusals (core.Refusal) and failures (core.Unavailable); the API decides the answer")
                .check(main);
    }

    @Test
    void apiNeverTouchesStores() {
        noClasses().that().resideInAPackage("dev.mediaup.api..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.mediaup.store..", "org.jdbi..", "java.sql..", "software.amazon.awssdk..")
                .because("a request becomes a core-typed call to the engine; SQL, files and objects are the stores' business")
                .check(main);
    }

    @Test
    void theEngineNeverSeesHttp() {
        noClasses().that().resideInAnyPackage("dev.mediaup.upload..", "dev.mediaup.media..", "dev.mediaup.processing..",
                        "dev.mediaup.core..", "dev.mediaup.store..", "dev.mediaup.config..", "dev.mediaup.events..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..")
                .check(main);
    }

    @Test
    void onlyBootAndTheCliBuildStores() {
        noClasses().that().resideOutsideOfPackages("dev.mediaup.store..", "dev.mediaup.boot..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.mediaup.store.sql..", "dev.mediaup.store.file..",
                        "dev.mediaup.store.s3..")
                .because("boot.Backends is the one place that knows which stores exist").check(main);
    }

    @Test
    void configDependsOnlyOnCore() {
        noClasses().that().resideInAPackage("dev.mediaup.config..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.mediaup.api..", "dev.mediaup.auth..", "dev.mediaup.boot..", "dev.mediaup.cli..",
                        "dev.mediaup.events..", "dev.mediaup.media..", "dev.mediaup.processing..", "dev.mediaup.store..",
                        "dev.mediaup.upload..")
                .check(main);
    }

    @Test
    void nothingButTheCliDependsOnTheCliOrBoot() {
        noClasses().that().resideOutsideOfPackages("dev.mediaup.cli..", "dev.mediaup.boot..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.mediaup.cli..", "dev.mediaup.boot..").check(main);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.mediaup.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void eachConsumerGetsOnlyTheStoreRolesItUses() {
        noClasses().that().resideOutsideOfPackages("dev.mediaup.boot..", "dev.mediaup.cli..", "dev.mediaup.store..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.mediaup.store.MetadataStores")
                .because("only the wiring holds every store role").check(main);
        classes().that().resideInAPackage("dev.mediaup.auth..").should().onlyDependOnClassesThat(
                        DescribedPredicate.describe("outside dev.mediaup.store, or AccessStore / NonceStore / GrantStore",
                                c -> !c.getPackageName().startsWith("dev.mediaup.store")
                                        || c.getName().startsWith("dev.mediaup.store.AccessStore")
                                        || c.getName().startsWith("dev.mediaup.store.NonceStore")
                                        || c.getName().startsWith("dev.mediaup.store.GrantStore")))
                .because("a credential verifier reads credentials, and cannot claim jobs or touch uploads").check(main);
        noClasses().that().resideOutsideOfPackages("dev.mediaup.boot..", "dev.mediaup.cli..", "dev.mediaup.store..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.mediaup.store.UploadStore")
                .because("a consumer of uploads gets its roles (reads, writes, the usage ledger, retention), never all of them")
                .check(main);
    }

    /** One package per wire dialect over the same engine; what they share is api.wire, and no dialect leans on another. */
    @Test
    void dialectsShareOnlyTheWirePart() {
        List<String> dialects = List.of("dev.mediaup.api.v2..", "dev.mediaup.api.v11..", "dev.mediaup.api.tus..", "dev.mediaup.api.resumable..",
                "dev.mediaup.api.delivery..");
        noClasses().that().resideInAPackage("dev.mediaup.api.wire..").should().dependOnClassesThat()
                .resideInAnyPackage(dialects.toArray(String[]::new)).because("the shared part knows no dialect").check(main);
        for (String d : dialects)
            noClasses().that().resideInAPackage(d).should().dependOnClassesThat()
                    .resideInAnyPackage(dialects.stream().filter(o -> !o.equals(d)).toArray(String[]::new))
                    .because("a dialect speaks to the engine, not through another dialect").check(main);
    }

    @Test
    void storeInterfacesAreSmall() {
        // what a backend must implement (defaulted helpers, such as BlobStore's ranged open, do not count)
        var large = main.stream().filter(c -> c.getPackageName().equals("dev.mediaup.store") && c.isInterface())
                .filter(c -> abstractMethods(c) > 12).map(c -> c.getSimpleName() + " (" + abstractMethods(c) + ")").toList();
        assertThat(large).as("store roles of at most 12 methods").isEmpty();
    }

    private static long abstractMethods(JavaClass c) {
        return c.getMethods().stream().filter(m -> m.getModifiers().contains(JavaModifier.ABSTRACT)).count();
    }
}
