    /* generated with numpy 1.24.2: np.random.seed(S); random_sample() x3; randn() x5 */
    {
        sky_np_seed(&r, 0u);
        const double u[] = {0.5488135039273248, 0.7151893663724195, 0.6027633760716439}, g[] = {-2.268328201180374, 1.3335453816218967, -0.8427240538292873, 1.9699244478698945, 1.2661185298577784};
        for (int i = 0; i < 3; i++)
            CHECK(sky_np_random(&r) == u[i], "seed 0 random_sample %d", i);
        for (int i = 0; i < 5; i++)
            CHECK(sky_np_gauss(&r) == g[i], "seed 0 randn %d", i);
    }
    {
        sky_np_seed(&r, 1111u);
        const double u[] = {0.09554919920876204, 0.9250037018616327, 0.34357342320721895}, g[] = {-0.7645221439739025, -0.770927936784691, -0.033287438061003, 1.7328258267786703, -0.39943674074413};
        for (int i = 0; i < 3; i++)
            CHECK(sky_np_random(&r) == u[i], "seed 1111 random_sample %d", i);
        for (int i = 0; i < 5; i++)
            CHECK(sky_np_gauss(&r) == g[i], "seed 1111 randn %d", i);
    }
    {
        sky_np_seed(&r, 4632u);
        const double u[] = {0.6090602105517083, 0.892912972086445, 0.3624437485867441}, g[] = {1.121295755032371, 1.545228223438356, 1.890986560158479, 0.21240279751887847, -2.6395903362650257};
        for (int i = 0; i < 3; i++)
            CHECK(sky_np_random(&r) == u[i], "seed 4632 random_sample %d", i);
        for (int i = 0; i < 5; i++)
            CHECK(sky_np_gauss(&r) == g[i], "seed 4632 randn %d", i);
    }
    {
        sky_np_seed(&r, 4294967295u);
        const double u[] = {0.0976320289940138, 0.9123828453026218, 0.78903530185164}, g[] = {0.0813036681172692, 0.4096851233481656, 0.31595808265170017, 0.03503916479349264, -1.741430868579208};
        for (int i = 0; i < 3; i++)
            CHECK(sky_np_random(&r) == u[i], "seed 4294967295 random_sample %d", i);
        for (int i = 0; i < 5; i++)
            CHECK(sky_np_gauss(&r) == g[i], "seed 4294967295 randn %d", i);
    }
