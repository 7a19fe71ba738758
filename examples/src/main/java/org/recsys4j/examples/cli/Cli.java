package org.recsys4j.examples.cli;

import dagger.BindsInstance;
import dagger.Component;
import java.util.Map;
import javax.inject.Provider;
import javax.inject.Singleton;

/** The Dagger component: every command, by class, for picocli's factory. */
@Singleton
@Component(modules = CliModule.class)
interface Cli {
    Map<Class<?>, Provider<Object>> commands();

    /** Built per run, on the run's output and error streams. */
    @Component.Factory
    interface Factory {
        Cli create(@BindsInstance Output output);
    }
}
