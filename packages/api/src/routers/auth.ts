import { ConfirmSignUpInputSchema, SignInInputSchema, SignUpInputSchema } from "@photoreel/contracts";
import { z } from "zod";
import { protectedProcedure, publicProcedure, router } from "../trpc";

export const authRouter = router({
  signUp: publicProcedure.input(SignUpInputSchema).mutation(({ ctx, input }) => ctx.services.auth.signUp(input.email, input.password, ctx.ip)),

  confirmSignUp: publicProcedure.input(ConfirmSignUpInputSchema).mutation(async ({ ctx, input }) => {
    await ctx.services.auth.confirmSignUp(input.email, input.code, ctx.ip);
    return { confirmed: true };
  }),

  /** Sets the session cookies; the tokens are returned too, for scripts that use `Authorization: Bearer`. */
  signIn: publicProcedure.input(SignInInputSchema).mutation(async ({ ctx, input }) => {
    const tokens = await ctx.services.auth.signIn(input.email, input.password, ctx.ip);
    ctx.session.set(tokens);
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn };
  }),

  refresh: publicProcedure
    .input(z.object({ refreshToken: z.string().min(1).max(8192).optional() }).optional())
    .mutation(async ({ ctx, input }) => {
      const refreshToken = input?.refreshToken ?? ctx.session.refreshToken;
      if (!refreshToken) {
        ctx.session.clear();
        return { ok: false as const, accessToken: null, expiresIn: 0 };
      }
      try {
        const tokens = await ctx.services.auth.refresh(refreshToken);
        ctx.session.set(tokens);
        return { ok: true as const, accessToken: tokens.accessToken, expiresIn: tokens.expiresIn };
      } catch (e) {
        ctx.session.clear();
        throw e;
      }
    }),

  /**
   * Revokes the session whichever way it came: the access token of the request (Bearer header or cookie) and the
   * refresh token (the body's, for scripts, else the refresh cookie when the browser sends it). The cookies are
   * cleared even when the provider cannot be reached; that error is still answered, so a script can try again.
   */
  signOut: publicProcedure
    .input(z.object({ refreshToken: z.string().min(1).max(8192).optional() }).optional())
    .mutation(async ({ ctx, input }) => {
      const tokens = { accessToken: ctx.token, refreshToken: input?.refreshToken ?? ctx.session.refreshToken };
      ctx.session.clear();
      await ctx.services.auth.signOut(tokens);
      return { ok: true };
    }),

  deleteAccount: protectedProcedure.mutation(async ({ ctx }) => {
    const token = ctx.session.accessToken;
    const result = await ctx.services.auth.deleteAccount(ctx.user);
    if (token) ctx.services.auth.forgetSession(token);
    ctx.session.clear();
    return result;
  }),

  me: protectedProcedure.query(({ ctx }) => ctx.services.auth.me(ctx.user)),

  /** Like `me`, but answers null when signed out instead of UNAUTHORIZED (the app's first call). */
  session: publicProcedure.query(({ ctx }) => (ctx.user ? ctx.services.auth.me(ctx.user) : null)),
});
