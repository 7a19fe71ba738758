package org.recsys4j.examples.cli;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ClassKey;
import dagger.multibindings.IntoMap;
import javax.inject.Singleton;
import org.recsys4j.data.MovieLensDatasets;

/** What the commands are built from. */
@Module
abstract class CliModule {
    @Provides
    @Singleton
    static MovieLensDatasets datasets() {
        return MovieLensDatasets.withDefaultCache();
    }

    @Binds
    @IntoMap
    @ClassKey(Recsys4jCommand.class)
    abstract Object root(Recsys4jCommand c);

    @Binds
    @IntoMap
    @ClassKey(QuickstartCommand.class)
    abstract Object quickstart(QuickstartCommand c);

    @Binds
    @IntoMap
    @ClassKey(RetrievalCommand.class)
    abstract Object retrieval(RetrievalCommand c);

    @Binds
    @IntoMap
    @ClassKey(TrainCommand.class)
    abstract Object train(TrainCommand c);

    @Binds
    @IntoMap
    @ClassKey(RecommendCommand.class)
    abstract Object recommend(RecommendCommand c);

    @Binds
    @IntoMap
    @ClassKey(BaselineCommand.class)
    abstract Object baseline(BaselineCommand c);

    @Binds
    @IntoMap
    @ClassKey(ExportCommand.class)
    abstract Object export(ExportCommand c);

    @Binds
    @IntoMap
    @ClassKey(EfficientServingCommand.class)
    abstract Object efficientServing(EfficientServingCommand c);

    @Binds
    @IntoMap
    @ClassKey(ItemToItemCommand.class)
    abstract Object itemToItem(ItemToItemCommand c);

    @Binds
    @IntoMap
    @ClassKey(ServeCommand.class)
    abstract Object serve(ServeCommand c);

    @Binds
    @IntoMap
    @ClassKey(RankingCommand.class)
    abstract Object ranking(RankingCommand c);

    @Binds
    @IntoMap
    @ClassKey(MultitaskCommand.class)
    abstract Object multitask(MultitaskCommand c);

    @Binds
    @IntoMap
    @ClassKey(DcnCommand.class)
    abstract Object dcn(DcnCommand c);

    @Binds
    @IntoMap
    @ClassKey(SynthCommand.class)
    abstract Object synth(SynthCommand c);
}
