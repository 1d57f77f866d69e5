import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { devJwtSecret } from './dev-secret.js';
import { TokenVerifier } from './token-verifier.js';
import { UserApiLimits } from './user-api-limits.guard.js';
import { UserGuard } from './user.guard.js';

/** Platform module (global): token verification and the user API's limits. */
@Global()
@Module({
  providers: [
    UserGuard,
    UserApiLimits,
    {
      provide: TokenVerifier,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new TokenVerifier({
          ...config.auth,
          secret: config.auth.publicKey
            ? undefined
            : (config.auth.secret ?? devJwtSecret(config.dataDir)),
        }),
    },
  ],
  exports: [TokenVerifier, UserGuard, UserApiLimits],
})
export class AuthModule {}
