package dev.flagstore.autoconfigure;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reflective checks of every auto-configuration listed in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}, and of the
 * configurations they nest or {@code @Import}: no list of classes to keep in step by hand.
 */
class AutoConfigurationConventionsTests {

	private static final String PACKAGE = "dev.flagstore.";

	@Test
	void everyBeanMethodShouldBackOffForUserBeans() {
		List<String> problems = new ArrayList<>();
		for (Method method : beanMethods()) {
			if (!AnnotatedElementUtils.hasAnnotation(method, ConditionalOnMissingBean.class)) {
				problems.add(method.toGenericString());
			}
		}
		assertThat(problems).as("@Bean methods without @ConditionalOnMissingBean").isEmpty();
	}

	@Test
	void scanShouldReachNestedAndImportedConfigurations() {
		// Guards the scan itself: bean methods of a top-level, an imported, a nested and an imported class's nested
		// configuration.
		assertThat(beanMethods()).extracting(Method::getName)
			.contains("flagstoreDataStoreStatusProvider", "flagstoreDataStore", "flagstoreMissingStoreDependencyCheck",
					"flagStoreHealthIndicator", "flagstoreLettuceReconnectDelayCustomizer", "flagstoreMetrics");
	}

	@Test
	void topLevelAutoConfigurationsShouldBePublicFinalWithPackagePrivateConstructorsAndBeanMethods() {
		List<String> problems = new ArrayList<>();
		for (Class<?> autoConfiguration : autoConfigurations()) {
			if (!Modifier.isPublic(autoConfiguration.getModifiers())
					|| !Modifier.isFinal(autoConfiguration.getModifiers())) {
				problems.add(autoConfiguration.getName() + " is not public final");
			}
			for (Constructor<?> constructor : autoConfiguration.getDeclaredConstructors()) {
				if (!isPackagePrivate(constructor.getModifiers())) {
					problems.add(constructor.toGenericString() + " is not package-private");
				}
			}
			for (Method method : autoConfiguration.getDeclaredMethods()) {
				if (AnnotatedElementUtils.hasAnnotation(method, Bean.class) && !isPackagePrivate(method.getModifiers())) {
					problems.add(method.toGenericString() + " is not package-private");
				}
			}
		}
		assertThat(problems).isEmpty();
	}

	private static boolean isPackagePrivate(int modifiers) {
		return !Modifier.isPublic(modifiers) && !Modifier.isProtected(modifiers) && !Modifier.isPrivate(modifiers);
	}

	private static List<Class<?>> autoConfigurations() {
		ClassLoader classLoader = AutoConfigurationConventionsTests.class.getClassLoader();
		List<Class<?>> classes = ImportCandidates.load(AutoConfiguration.class, classLoader)
			.getCandidates()
			.stream()
			.filter((name) -> name.startsWith(PACKAGE))
			.<Class<?>>map((name) -> ClassUtils.resolveClassName(name, classLoader))
			.toList();
		assertThat(classes).as("flagstore auto-configurations in the imports file").isNotEmpty();
		return classes;
	}

	private static List<Method> beanMethods() {
		Set<Class<?>> configurations = new LinkedHashSet<>();
		autoConfigurations().forEach((autoConfiguration) -> collect(autoConfiguration, configurations));
		List<Method> methods = new ArrayList<>();
		for (Class<?> configuration : configurations) {
			for (Method method : configuration.getDeclaredMethods()) {
				if (AnnotatedElementUtils.hasAnnotation(method, Bean.class)) {
					methods.add(method);
				}
			}
		}
		return methods;
	}

	/** The configuration, what it imports from flagstore's packages, and its nested configurations, recursively. */
	private static void collect(Class<?> configuration, Set<Class<?>> found) {
		if (!found.add(configuration)) {
			return;
		}
		MergedAnnotations.from(configuration)
			.stream(Import.class)
			.map(MergedAnnotation::synthesize)
			.flatMap((imports) -> Arrays.stream(imports.value()))
			.filter((imported) -> imported.getName().startsWith(PACKAGE))
			.forEach((imported) -> collect(imported, found));
		for (Class<?> nested : configuration.getDeclaredClasses()) {
			if (AnnotatedElementUtils.hasAnnotation(nested, Configuration.class)) {
				collect(nested, found);
			}
		}
	}

}
