import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  ConfirmSignUpCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { DomainError, type AuthTokens, type IdentityProvider } from "@photoreel/core";

export interface CognitoIdentityOptions {
  userPoolId: string;
  clientId: string;
}

const BAD_CREDENTIALS = "Incorrect e-mail or password";
const CONFIRM_FAILED = "That code is not right for this e-mail, or it has expired; check the latest e-mail we sent and try again";
const SESSION_EXPIRED = "Your session has expired or is invalid; sign in again";

const errorName = (e: unknown): string => (e instanceof Error ? e.name : "");
const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Errors every call can meet; anything not listed stays an internal error (logged with the request id). */
function mapCommon(e: unknown): never {
  switch (errorName(e)) {
    case "TooManyRequestsException":
    case "LimitExceededException":
    case "TooManyFailedAttemptsException":
      throw new DomainError("TOO_MANY_REQUESTS", "Too many attempts; wait a minute and try again");
    case "CodeMismatchException":
      throw new DomainError("BAD_REQUEST", "That code is not right; check the e-mail and try again");
    case "ExpiredCodeException":
      throw new DomainError("BAD_REQUEST", "That code has expired; ask for a new one");
    case "UserNotConfirmedException":
      throw new DomainError("PRECONDITION_FAILED", "Confirm your e-mail first");
    case "PasswordResetRequiredException":
      throw new DomainError("PRECONDITION_FAILED", "Reset your password before signing in");
  }
  throw e;
}

function toTokens(result: AuthenticationResultType | undefined, fallbackRefresh: string | null): AuthTokens {
  if (!result?.AccessToken || !result.IdToken) {
    // A challenge (new password, MFA) instead of tokens: the pool is not set up for any, so this is a config fault.
    throw new Error("Cognito answered without tokens (unexpected auth challenge)");
  }
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken ?? fallbackRefresh,
    expiresIn: result.ExpiresIn ?? 3600,
  };
}

/** IdentityProvider on a Cognito user pool whose sign-in name is the e-mail (email is a username attribute). */
export class CognitoIdentity implements IdentityProvider {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly opts: CognitoIdentityOptions,
  ) {}

  async signUp(email: string, password: string): Promise<{ userSub: string; confirmed: boolean }> {
    try {
      const out = await this.client.send(
        new SignUpCommand({
          ClientId: this.opts.clientId,
          Username: email,
          Password: password,
          UserAttributes: [{ Name: "email", Value: email }],
        }),
      );
      return { userSub: out.UserSub!, confirmed: out.UserConfirmed ?? false };
    } catch (e) {
      switch (errorName(e)) {
        case "UsernameExistsException":
        case "AliasExistsException":
          throw new DomainError("CONFLICT", "An account with this e-mail already exists; sign in instead");
        case "InvalidPasswordException":
          throw new DomainError("BAD_REQUEST", errorMessage(e));
        case "InvalidParameterException":
          throw new DomainError("BAD_REQUEST", errorMessage(e));
      }
      return mapCommon(e);
    }
  }

  /**
   * One answer for every way a confirmation can fail because of what was sent: no such account, a wrong or an
   * expired code, an account already confirmed (Cognito and cognito-local name these differently, and each
   * difference would tell a caller whether the address has an account).
   */
  async confirmSignUp(email: string, code: string): Promise<void> {
    try {
      await this.client.send(new ConfirmSignUpCommand({ ClientId: this.opts.clientId, Username: email, ConfirmationCode: code }));
    } catch (e) {
      if (["UserNotFoundException", "NotAuthorizedException", "CodeMismatchException", "ExpiredCodeException", "AliasExistsException"].includes(errorName(e))) {
        throw new DomainError("BAD_REQUEST", CONFIRM_FAILED);
      }
      return mapCommon(e);
    }
  }

  async adminConfirmSignUp(email: string): Promise<void> {
    try {
      await this.client.send(new AdminConfirmSignUpCommand({ UserPoolId: this.opts.userPoolId, Username: email }));
    } catch (e) {
      return mapCommon(e);
    }
  }

  async signIn(email: string, password: string): Promise<AuthTokens> {
    try {
      const out = await this.client.send(
        new InitiateAuthCommand({
          ClientId: this.opts.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
      return toTokens(out.AuthenticationResult, null);
    } catch (e) {
      switch (errorName(e)) {
        // One message for an unknown user and a wrong password (cognito-local says InvalidPassword for the latter).
        case "NotAuthorizedException":
        case "UserNotFoundException":
        case "InvalidPasswordException":
          throw new DomainError("UNAUTHORIZED", BAD_CREDENTIALS);
      }
      return mapCommon(e);
    }
  }

  /** Real Cognito does not rotate refresh tokens on this flow: `refreshToken` is then null (keep the old one). */
  async refresh(refreshToken: string): Promise<AuthTokens> {
    try {
      const out = await this.client.send(
        new InitiateAuthCommand({
          ClientId: this.opts.clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
      return toTokens(out.AuthenticationResult, null);
    } catch (e) {
      if (["NotAuthorizedException", "UserNotFoundException"].includes(errorName(e))) {
        throw new DomainError("UNAUTHORIZED", SESSION_EXPIRED);
      }
      return mapCommon(e);
    }
  }

  /** Revokes every refresh token of the user. An already invalid token counts as signed out. */
  async signOut(accessToken: string): Promise<void> {
    try {
      await this.client.send(new GlobalSignOutCommand({ AccessToken: accessToken }));
    } catch (e) {
      if (errorName(e) === "NotAuthorizedException") return;
      return mapCommon(e);
    }
  }

  /** Needs token revocation on the app client (auth.yml EnableTokenRevocation). An already invalid token is revoked. */
  async revokeRefreshToken(refreshToken: string): Promise<void> {
    try {
      await this.client.send(new RevokeTokenCommand({ ClientId: this.opts.clientId, Token: refreshToken }));
    } catch (e) {
      if (errorName(e) === "NotAuthorizedException") return;
      return mapCommon(e);
    }
  }

  async getUser(accessToken: string): Promise<{ sub: string; email: string; emailVerified: boolean }> {
    try {
      const out = await this.client.send(new GetUserCommand({ AccessToken: accessToken }));
      const attr = (name: string) => out.UserAttributes?.find((a) => a.Name === name)?.Value;
      const sub = attr("sub");
      const email = attr("email");
      if (!sub || !email) throw new Error("Cognito GetUser answered without sub or email");
      return { sub, email, emailVerified: attr("email_verified") === "true" };
    } catch (e) {
      if (["NotAuthorizedException", "UserNotFoundException"].includes(errorName(e))) {
        throw new DomainError("UNAUTHORIZED", SESSION_EXPIRED);
      }
      return mapCommon(e);
    }
  }

  async addToGroup(email: string, group: string): Promise<void> {
    try {
      await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.opts.userPoolId, Username: email, GroupName: group }));
    } catch (e) {
      if (errorName(e) === "UserNotFoundException") throw new DomainError("NOT_FOUND", "No account has this e-mail");
      return mapCommon(e);
    }
  }

  /** Idempotent: deleting an unknown user succeeds. */
  async deleteUser(email: string): Promise<void> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.opts.userPoolId, Username: email }));
    } catch (e) {
      if (errorName(e) === "UserNotFoundException") return;
      return mapCommon(e);
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new DescribeUserPoolCommand({ UserPoolId: this.opts.userPoolId }));
  }
}
