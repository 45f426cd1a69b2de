package dev.flagstore.autoconfigure;

import java.util.Locale;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link MissingStoreDependencyException}: the property and its value, the missing class or bean, and the
 * fix.
 */
class MissingStoreDependencyFailureAnalyzer extends AbstractFailureAnalyzer<MissingStoreDependencyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingStoreDependencyException cause) {
		String description = String.format("%s%n%n    Property: %s%n    Value: \"%s\"%n    Missing: %s",
				cause.getMessage(), MissingStoreDependencyException.PROPERTY,
				cause.getStoreType().name().toLowerCase(Locale.ROOT), cause.getMissingDependency());
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

}
