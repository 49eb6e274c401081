export { startTestStack, PASSWORD, type Caller, type TestStack } from "./stack";
export { draftSpec, postForm, uploadPhotos } from "./uploads";
