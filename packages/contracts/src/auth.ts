import { z } from "zod";

export const EmailSchema = z.email({ message: "enter a valid e-mail address" }).trim().toLowerCase().max(254);
export const PasswordSchema = z
  .string()
  .min(8, "use at least 8 characters")
  .max(256, "use at most 256 characters")
  .regex(/[a-z]/, "add a lower-case letter")
  .regex(/[A-Z]/, "add an upper-case letter")
  .regex(/[0-9]/, "add a digit");

export const SignUpInputSchema = z.object({ email: EmailSchema, password: PasswordSchema });
export const ConfirmSignUpInputSchema = z.object({ email: EmailSchema, code: z.string().trim().min(1).max(16) });
export const SignInInputSchema = z.object({ email: EmailSchema, password: z.string().min(1, "enter your password").max(256) });
